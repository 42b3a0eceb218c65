//go:build !unix && !windows

package bolt

// diskFree cannot tell on this system.
func diskFree(string) (int64, bool) { return 0, false }
