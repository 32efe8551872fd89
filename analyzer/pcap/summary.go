package pcap

import "github.com/nettriage/nettriage/analyzer/schema"

// Summary returns the capture's entry of the report's captures[]: its
// JSON-visible fields, without the retained flows and measurements.
func (c *Capture) Summary() schema.Capture {
	return schema.Capture{
		Artifact:     c.Artifact,
		Packets:      c.Packets,
		TCPPackets:   c.TCPPackets,
		UDPPackets:   c.UDPPackets,
		ICMPPackets:  c.ICMPPackets,
		DNSMessages:  c.DNSMessages,
		UDPFlows:     c.UDPFlows,
		Bytes:        c.Bytes,
		FlowCount:    c.FlowCount,
		Start:        c.Start,
		End:          c.End,
		LinkTypes:    c.LinkTypes,
		Interfaces:   c.Interfaces,
		Truncated:    c.Truncated,
		SnapTrimmed:  c.SnapTrimmed,
		OutOfOrder:   c.OutOfOrder,
		Drops:        c.Drops,
		Copies:       c.Copies,
		EvictedFlows: c.EvictedFlows,
		Notes:        c.Notes,
		Error:        c.Error,
		NAT:          c.NAT,
		Summary:      c.Expert,
	}
}

// Evidence returns the flow as a finding's findings[].flows entry, with its
// packet list, for the ladder diagram. artifact names the capture.
func (f *Flow) Evidence(artifact string) schema.FlowEvidence {
	return schema.FlowEvidence{Artifact: artifact, Flow: &schema.Flow{
		ID:           f.ID,
		Client:       f.Client,
		Server:       f.Server,
		ClientKnown:  f.ClientKnown,
		Protocol:     f.Protocol,
		Start:        f.Start,
		End:          f.End,
		FirstFrame:   f.FirstFrame,
		LastFrame:    f.LastFrame,
		Handshake:    f.Handshake,
		HandshakeRTT: f.HandshakeRTT,
		Closed:       f.Closed,
		PortReused:   f.PortReused,
		TwinOf:       f.TwinOf,
		MaxGap:       f.MaxGap,
		ClientSide:   f.ClientSide,
		ServerSide:   f.ServerSide,
		Packets:      f.PacketList(),
		Omitted:      f.Omitted,
		Total:        f.Total,
		Compared:     f.Compared,
	}}
}
