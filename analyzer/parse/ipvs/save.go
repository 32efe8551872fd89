package ipvs

import (
	"strconv"
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// saveProtos maps ipvsadm-save's service options to protocols.
var saveProtos = map[string]string{
	"-t": "TCP", "--tcp-service": "TCP",
	"-u": "UDP", "--udp-service": "UDP",
	"--sctp-service": "SCTP",
	"-f":             "FWM", "--fwmark-service": "FWM",
}

// saveForward maps ipvsadm's forwarding options to the names listings print.
var saveForward = map[string]string{
	"-g": "Route", "--gatewaying": "Route",
	"-i": "Tunnel", "--ipip": "Tunnel",
	"-m": "Masq", "--masquerading": "Masq",
}

// saveRule reads one `ipvsadm-save -n` line: "-A -t 10.0.0.1:443 -s rr -p 10800"
// adds a service, "-a -t 10.0.0.1:443 -r 192.168.0.1:6443 -m -w 1" a real server.
func (p *parser) saveRule(l source.Line, f []string) {
	if p.snap == nil || p.snap.Format != "save" {
		p.startSnapshot(l, "save")
	}
	p.extend(l)
	proto, target := "", ""
	var unknown []string
	opts := map[string]string{}
	var flags []string
	for i := 1; i < len(f); i++ {
		tok := f[i]
		if pr, ok := saveProtos[tok]; ok && i+1 < len(f) {
			proto, target = pr, f[i+1]
			i++
			continue
		}
		if fw, ok := saveForward[tok]; ok {
			opts["forward"] = fw
			continue
		}
		switch tok {
		case "-s", "--scheduler", "-p", "--persistent", "-M", "--netmask", "--pe",
			"-b", "--sched-flags", "-r", "--real-server", "-w", "--weight",
			"-x", "--u-threshold", "-y", "--l-threshold":
			if i+1 < len(f) && !strings.HasPrefix(f[i+1], "-") {
				opts[tok] = f[i+1]
				i++
			} else {
				opts[tok] = ""
			}
		case "-o", "--ops":
			flags = append(flags, "ops")
		case "-6", "--ipv6":
			opts["ipv6"] = ""
		default:
			unknown = append(unknown, tok)
		}
	}
	if proto == "" {
		p.warn(l.No, "ipvsadm rule without a service: %q", clip(strings.Join(f, " ")))
		return
	}
	key, svc := p.saveService(l, proto, target)
	if f[0] == "-A" {
		if svc != nil {
			p.warn(l.No, "service %s added twice", key)
			return
		}
		svc = p.newSaveService(l, proto, target)
		svc.Scheduler = firstOpt(opts, "-s", "--scheduler")
		if v, ok := optPresent(opts, "-p", "--persistent"); ok {
			svc.Persistent = 300 // ipvsadm's default persistence timeout
			if v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					p.warn(l.No, "bad persistence timeout %q", clip(v))
				}
				svc.Persistent = n
			}
		}
		svc.Mask = firstOpt(opts, "-M", "--netmask")
		svc.PE = opts["--pe"]
		svc.Flags = flags
		if b := firstOpt(opts, "-b", "--sched-flags"); b != "" {
			svc.Flags = append(svc.Flags, strings.Split(b, ",")...)
		}
		svc.Extra = unknown
		if _, ok := opts["ipv6"]; ok {
			svc.IPv6 = true
		}
		return
	}
	if svc == nil {
		p.warn(l.No, "real server for unknown service %s", key)
		return
	}
	p.svc = svc
	r := &Real{Src: p.ref(l), Forward: opts["forward"], Weight: 1}
	if r.Forward == "" {
		r.Forward = "Route" // ipvsadm's default is direct routing
	}
	rs := firstOpt(opts, "-r", "--real-server")
	if e, err := parseEndpoint(rs, false); err == nil {
		r.Addr, r.Port, r.PortName = e.addr, e.port, e.portName
	} else {
		p.warn(l.No, "real server address: %v", err)
		r.Addr = rs
	}
	r.Extra = unknown
	for _, o := range []struct {
		dst         *int
		short, long string
	}{
		{&r.Weight, "-w", "--weight"},
		{&r.UThreshold, "-x", "--u-threshold"},
		{&r.LThreshold, "-y", "--l-threshold"},
	} {
		if v := firstOpt(opts, o.short, o.long); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				p.warn(l.No, "bad number %q", clip(v))
				continue
			}
			*o.dst = n
		}
	}
	svc.Reals = append(svc.Reals, r)
}

func firstOpt(opts map[string]string, short, long string) string {
	if v, ok := opts[short]; ok {
		return v
	}
	return opts[long]
}

func optPresent(opts map[string]string, short, long string) (string, bool) {
	if v, ok := opts[short]; ok {
		return v, true
	}
	v, ok := opts[long]
	return v, ok
}

// saveService finds an already added service of the open save snapshot.
func (p *parser) saveService(l source.Line, proto, target string) (string, *Service) {
	probe := p.newServiceValue(l, proto, target, false)
	key := probe.Key()
	for _, s := range p.snap.Services {
		// Compared field by field: a "-6" fwmark service keys as "FWM 1 IPv6"
		// while its real server rules may not repeat "-6".
		if s.Proto == probe.Proto && s.FWMark == probe.FWMark && s.Addr == probe.Addr && s.Port == probe.Port {
			return key, s
		}
	}
	return key, nil
}

func (p *parser) newSaveService(l source.Line, proto, target string) *Service {
	s := p.newServiceValue(l, proto, target, true)
	p.snap.Services = append(p.snap.Services, s)
	p.svc = s
	return s
}

// newServiceValue builds a service from a save rule's target; warn is false
// for look-ups so that a bad address is reported once.
func (p *parser) newServiceValue(l source.Line, proto, target string, warn bool) *Service {
	s := &Service{Proto: proto, Reals: []*Real{}, Src: p.ref(l)}
	if proto == "FWM" {
		m, err := strconv.ParseUint(target, 10, 32)
		if err != nil && warn {
			p.warn(l.No, "bad firewall mark %q", clip(target))
		}
		s.FWMark = uint32(m)
		return s
	}
	e, err := parseEndpoint(target, false)
	if err != nil {
		if warn {
			p.warn(l.No, "service address: %v", err)
		}
		s.Addr = target
		return s
	}
	s.Addr, s.Port, s.PortName, s.IPv6 = e.addr, e.port, e.portName, e.ipv6
	return s
}
