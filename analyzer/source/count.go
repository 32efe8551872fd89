package source

import "strconv"

// ParseScaledCount reads a counter the way iptables -L and ipvsadm print
// one that does not fit its column: plain, or divided by 1000 per step and
// suffixed K, M, G or T. The result is rounded, as the text was. ok is
// false for anything else or an overflow.
func ParseScaledCount(s string) (n uint64, ok bool) {
	mult := uint64(1)
	if s != "" {
		switch s[len(s)-1] {
		case 'K':
			mult = 1e3
		case 'M':
			mult = 1e6
		case 'G':
			mult = 1e9
		case 'T':
			mult = 1e12
		}
		if mult != 1 {
			s = s[:len(s)-1]
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > ^uint64(0)/mult {
		return 0, false
	}
	return n * mult, true
}
