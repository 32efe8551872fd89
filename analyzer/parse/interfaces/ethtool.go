package interfaces

import (
	"strings"

	"github.com/nettriage/nettriage/analyzer/source"
)

// ifaceFromHeader reads "Settings for eth0:" style headers.
func ifaceFromHeader(lines []source.Line, prefix, fallback string) string {
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		if strings.HasPrefix(t, prefix) && strings.HasSuffix(t, ":") {
			return strings.TrimSuffix(strings.TrimPrefix(t, prefix), ":")
		}
	}
	return fallback
}

func unnamed(name string) string {
	if name == "" {
		return "unknown"
	}
	return name
}

// parseEthtoolS reads `ethtool -S IFACE`: "     name: value" lines. Names
// with spaces (vmxnet3: "drv dropped rx total") get underscores, and a
// name printed once per queue is summed.
func parseEthtoolS(artifact string, lines []source.Line, name string) (*Result, []source.Warning) {
	r := &Result{Form: FormEthtoolS}
	var warns []source.Warning
	var i *Iface
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		if t == "NIC statistics:" {
			if i == nil {
				i = r.iface(unnamed(name), at(artifact, l))
			}
			continue
		}
		if i == nil {
			continue
		}
		k := strings.LastIndex(t, ": ")
		if k <= 0 {
			continue
		}
		key := strings.ReplaceAll(strings.TrimSpace(t[:k]), " ", "_")
		v, ok := parseInt(strings.TrimSpace(t[k+2:]))
		if !ok {
			if !strings.HasSuffix(key, "#") && !strings.Contains(key, "Queue#") {
				warns = append(warns, source.Warnf(l.No, "%s: value of %s is not a number", i.Name, key))
			}
			continue
		}
		if strings.Contains(key, "Queue#") {
			continue
		}
		ref := at(artifact, l)
		if old, ok := i.Driver[key]; ok {
			v += old.Value
			ref = old.Src
		}
		i.Driver[key] = Value{v, ref}
	}
	return r, warns
}

// parseMaxCurrent reads ethtool -g and -l: a "Pre-set maximums:" block and
// a "Current hardware settings:" block of "RX:  4096" lines.
func parseMaxCurrent(artifact string, lines []source.Line, name, form string) (*Result, []source.Warning) {
	r := &Result{Form: form}
	prefix := "Ring parameters for "
	if form == FormEthtoolL {
		prefix = "Channel parameters for "
	}
	name = ifaceFromHeader(lines, prefix, name)
	var i *Iface
	var into map[string]Value
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		switch {
		case strings.HasPrefix(t, prefix):
			i = r.iface(unnamed(name), at(artifact, l))
			continue
		case t == "Pre-set maximums:":
			if i == nil {
				i = r.iface(unnamed(name), at(artifact, l))
			}
			into = i.RingMax
			if form == FormEthtoolL {
				into = i.ChannelsMax
			}
			continue
		case t == "Current hardware settings:":
			if i == nil {
				i = r.iface(unnamed(name), at(artifact, l))
			}
			into = i.Ring
			if form == FormEthtoolL {
				into = i.Channels
			}
			continue
		}
		if into == nil {
			continue
		}
		key, val, ok := strings.Cut(t, ":")
		if !ok {
			continue
		}
		if v, ok := parseInt(strings.TrimSpace(val)); ok {
			into[strings.TrimSpace(key)] = Value{v, at(artifact, l)}
		}
	}
	if i == nil {
		return r, []source.Warning{source.Warnf(1, "no ethtool parameters found")}
	}
	return r, nil
}

// parseEthtoolK reads ethtool -k: "feature: on|off [fixed]".
func parseEthtoolK(artifact string, lines []source.Line, name string) (*Result, []source.Warning) {
	r := &Result{Form: FormEthtoolK}
	name = ifaceFromHeader(lines, "Features for ", name)
	var i *Iface
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		if strings.HasPrefix(t, "Features for ") {
			i = r.iface(unnamed(name), at(artifact, l))
			continue
		}
		if i == nil {
			continue
		}
		key, val, ok := strings.Cut(t, ": ")
		if ok && !strings.Contains(key, " ") {
			i.Features[key] = Setting{strings.TrimSpace(val), at(artifact, l)}
		}
	}
	return r, nil
}

// parseEthtoolI reads ethtool -i: "driver: ena", "bus-info: ...".
func parseEthtoolI(artifact string, lines []source.Line, name string) (*Result, []source.Warning) {
	r := &Result{Form: FormEthtoolI}
	var i *Iface
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		key, val, ok := strings.Cut(t, ":")
		if !ok || strings.Contains(key, " ") {
			continue
		}
		val = strings.TrimSpace(val)
		if key == "driver" && i == nil {
			i = r.iface(unnamed(name), at(artifact, l))
			i.DriverName = val
		}
		if i != nil {
			i.Settings[key] = Setting{val, at(artifact, l)}
		}
	}
	return r, nil
}

// parseEthtoolSettings reads plain `ethtool IFACE`: Speed, Duplex, Link
// detected and the other "Key: value" lines.
func parseEthtoolSettings(artifact string, lines []source.Line, name string) (*Result, []source.Warning) {
	r := &Result{Form: FormEthtool}
	var i *Iface
	for _, l := range lines {
		t := strings.TrimSpace(l.Text)
		if strings.HasPrefix(t, "Settings for ") && strings.HasSuffix(t, ":") {
			i = r.iface(strings.TrimSuffix(strings.TrimPrefix(t, "Settings for "), ":"), at(artifact, l))
			continue
		}
		if i == nil {
			continue
		}
		key, val, ok := strings.Cut(t, ":")
		if ok && strings.TrimSpace(val) != "" {
			i.Settings[strings.TrimSpace(key)] = Setting{strings.TrimSpace(val), at(artifact, l)}
		}
	}
	if i == nil && name != "" {
		r.iface(name, source.Ref{Artifact: artifact, Line: 1, EndLine: 1})
	}
	return r, nil
}
