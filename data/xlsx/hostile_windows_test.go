//go:build windows

package xlsx

import "testing"

// makeFifo: Windows has no named pipes in the file system.
func makeFifo(*testing.T, string) string { return "" }
