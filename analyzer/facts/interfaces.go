package facts

import (
	"time"

	"github.com/nettriage/nettriage/analyzer/parse/interfaces"
)

// InterfacesSnapshot is one interfaces artifact (a /proc/net/dev, an ip -s
// link, an ethtool -S ...) with where and when it was read. Two of the
// same form and interface, read at different times, give deltas.
type InterfacesSnapshot struct {
	*interfaces.Result
	Artifact string
	Time     time.Time // zero when unknown
}
