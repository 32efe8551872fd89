package pcaptest

import (
	"io"
	"math/rand/v2"
	"net/netip"
	"sort"
	"strconv"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Synthetic writes a benchmark capture of at least packets packets: many
// short conversations between 2000 clients and 40 servers, with requests,
// responses and ACKs, and a share of retransmissions, RSTs, unanswered
// SYNs and zero windows. Frames average about 320 bytes. The same seed
// writes the same bytes. Conversations are generated in batches and
// written in time order, so memory stays small however large the file.
func Synthetic(w io.Writer, packets int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	payload := make([]byte, 1400)
	for i := range payload {
		payload[i] = byte('a' + i%26)
	}
	conv := 0
	return writeBatches(w, packets, func(batch *Capture, start time.Time) {
		for j := 0; j < 500; j++ {
			syntheticConversation(batch, rng, conv, start.Add(time.Duration(j)*200*time.Microsecond), payload)
			conv++
		}
	})
}

// writeBatches writes a pcap of at least packets packets, built batch by
// batch: each batch is written in time order and the next one starts
// after it ends, so the file stays in time order and memory stays small
// however large the file.
func writeBatches(w io.Writer, packets int, fill func(batch *Capture, start time.Time)) error {
	pw := pcapgo.NewWriterNanos(w)
	if err := pw.WriteFileHeader(262144, layers.LinkTypeEthernet); err != nil {
		return err
	}
	written := 0
	start := Epoch
	for written < packets {
		batch := New()
		fill(batch, start)
		segs := batch.segs
		sort.SliceStable(segs, func(a, b int) bool { return segs[a].At.Before(segs[b].At) })
		start = segs[len(segs)-1].At.Add(time.Millisecond)
		for _, s := range segs {
			data := batch.serialize(s)
			ci := gopacket.CaptureInfo{Timestamp: s.At, CaptureLength: len(data), Length: len(data)}
			if err := pw.WritePacket(ci, data); err != nil {
				return err
			}
			written++
		}
	}
	return nil
}

func syntheticConversation(c *Capture, rng *rand.Rand, n int, t0 time.Time, payload []byte) {
	cli := &Host{Addr: netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(n % 2000 / 250), byte(n%250 + 1)}), uint16(20000+n%40000)),
		TSBase: uint32(rng.IntN(1 << 30)), WScale: 7, Win: 1024}
	srv := &Host{Addr: AddrPort("10.2.0." + strconv.Itoa(n%40+1) + ":" + strconv.Itoa(8000+n%40)),
		TSBase: uint32(rng.IntN(1 << 30)), WScale: 7, Win: 2048}
	k := c.Conn(cli, srv, rng.Uint32(), rng.Uint32())
	kind := rng.IntN(100)
	ms := func(d float64) time.Time { return t0.Add(time.Duration(d * float64(time.Millisecond))) }
	if kind < 4 { // unanswered SYN, retransmitted
		k.SYN(ms(0))
		k.SYN(ms(1000))
		k.SYN(ms(3000))
		return
	}
	k.Handshake(ms(0))
	t := 3.0
	for r := 0; r < 3; r++ {
		req := payload[:200+rng.IntN(200)]
		k.Send(ms(t), true, req)
		resp := payload[:400+rng.IntN(1000)]
		if kind < 12 && r == 1 { // the response is lost and retransmitted
			seq := k.SSeq
			k.Send(ms(t+1), false, resp)
			k.Resend(ms(t+205), false, seq, resp)
			t += 205
		} else {
			k.Ack(ms(t+0.3), false)
			k.Send(ms(t+1), false, resp)
		}
		if kind >= 12 && kind < 15 && r == 2 { // the client's window closes for a moment
			s := k.Segment(ms(t+1.5), true)
			s.Win = 0
			c.Add(s)
			k.Ack(ms(t+30), true)
		} else {
			k.Ack(ms(t+1.5), true)
		}
		t += 2
	}
	if kind < 20 {
		k.RST(ms(t), rng.IntN(2) == 0)
		return
	}
	k.Close(ms(t), true)
}
