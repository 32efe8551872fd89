package pcap

import "testing"

// Flow keys that differ only in address and port must not share hashes:
// the flow index chains colliding keys, and a weak hash makes every
// lookup walk a chain (a SYN flood from a /16 once did).
func TestFlowKeyHashSpread(t *testing.T) {
	seen := map[uint64]bool{}
	ports := map[uint64]bool{}
	const n = 300000
	for i := 0; i < n; i++ {
		var k flowKey
		k.a = [16]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}
		k.b = [16]byte{10, 9, 9, 9}
		k.pa, k.pb = uint16(1024+i%60000), 80
		seen[hashKey(&k)] = true
		ports[portKey{k.a, k.pa, k.pb}.hash()] = true
	}
	if len(seen) < n || len(ports) < n {
		t.Errorf("%d and %d distinct hashes of %d keys", len(seen), len(ports), n)
	}
}
