//go:build windows

package app_test

import "testing"

// makeFifo: Windows has no named pipes in the file system.
func makeFifo(*testing.T, string) string { return "" }
