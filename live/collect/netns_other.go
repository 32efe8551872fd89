//go:build !linux

package collect

import "errors"

// inNetNS is Linux only: other systems have no network namespaces.
func inNetNS(string, func()) error {
	return errors.New("network namespaces exist on Linux only")
}
