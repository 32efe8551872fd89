package pcap

import "bytes"

// sniff names the application protocol from the first payload bytes a
// client sent. Only protocols whose first client message is recognisable
// are named; "" means unknown.
func sniff(b []byte) string {
	switch {
	case len(b) == 0:
		return ""
	case bytes.HasPrefix(b, []byte("AMQP")):
		return "AMQP"
	case bytes.HasPrefix(b, []byte("PRI * HTTP/2.0")):
		return "HTTP/2"
	case len(b) >= 6 && b[0] == 0x16 && b[1] == 0x03 && b[2] <= 0x04 && b[5] == 0x01:
		return "TLS"
	case len(b) >= 8 && bytes.Equal(b[4:8], []byte{0x00, 0x03, 0x00, 0x00}):
		return "PostgreSQL"
	case len(b) >= 8 && bytes.Equal(b[:6], []byte{0, 0, 0, 8, 0x04, 0xd2}) && (b[6] == 0x16 && (b[7] == 0x2f || b[7] == 0x30)):
		return "PostgreSQL" // SSLRequest or GSSENCRequest
	case bytes.HasPrefix(b, []byte("SSH-")):
		return "SSH"
	case len(b) >= 2 && b[0] == '*' && b[1] >= '0' && b[1] <= '9':
		return "Redis"
	}
	for _, m := range []string{"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT "} {
		if bytes.HasPrefix(b, []byte(m)) {
			return "HTTP"
		}
	}
	return ""
}
