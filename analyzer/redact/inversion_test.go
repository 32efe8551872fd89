package redact

import (
	"net/netip"
	"testing"
)

// oldFixedKey is the key every front end used before keys were random; it
// was written in the public source.
var oldFixedKey = []byte("nettriage-redact-v1")

// invert4 undoes the prefix-preserving map of an IPv4 pseudonym with r's
// key: bit i of the original is bit i of the pseudonym XOR the flip of the
// original's first i bits, so 32 HMACs recover it. It ignores the private
// ranges' forced bits, which keep the original bits anyway.
func invert4(r *Redactor, p netip.Addr) netip.Addr {
	b := p.As4()
	var o [4]byte
	for i := 0; i < 32; i++ {
		bit := b[i/8] & (0x80 >> (i % 8))
		forced := false
		for _, f := range fixed4 {
			if i < f.p.Bits() && sharePrefix(o[:], f.p.Addr().AsSlice(), i) {
				forced = true
			}
		}
		if !forced && r.flip('4', o[:], i) {
			bit ^= 0x80 >> (i % 8)
		}
		o[i/8] |= bit
	}
	return netip.AddrFrom4(o)
}

func TestFixedKeyInversionNoLongerWorks(t *testing.T) {
	const secret = "10.20.0.3"
	orig := netip.MustParseAddr(secret)

	// With the key that made a pseudonym, inversion works: the attack is real.
	old := New(oldFixedKey)
	if got := invert4(old, one(t, old, secret)); got != orig {
		t.Fatalf("the inversion itself is broken: %s", got)
	}

	// The redactor's pseudonym now differs from the fixed key's, and the
	// fixed key no longer inverts it.
	r := New(nil)
	p := one(t, r, secret)
	if p == one(t, New(oldFixedKey), secret) {
		t.Errorf("New(nil) still gives the fixed key's pseudonym %s", p)
	}
	if got := invert4(New(oldFixedKey), p); got == orig {
		t.Errorf("the fixed key still inverts %s to %s", p, got)
	}
	// A MAC can no longer be found by hashing the vendor's prefix with the
	// fixed key.
	if New(nil).Text("52:54:00:12:34:56") == New(oldFixedKey).Text("52:54:00:12:34:56") {
		t.Error("MAC pseudonym is the fixed key's")
	}

	// Two redactions of the same text differ unless the same key is given.
	in := "10.20.0.3 10.20.0.6 52:54:00:12:34:56 [alice@web-1 ~]#"
	if New(nil).Text(in) == New(nil).Text(in) {
		t.Error("two New(nil) redactions agree")
	}
	key := NewKey()
	if New(key).Text(in) != New(key).Text(in) {
		t.Error("the same key gave different pseudonyms")
	}
}
