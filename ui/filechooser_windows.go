package ui

import (
	"os"
	"syscall"
)

// hiddenFile tells whether Windows marks the file hidden or a system file.
func hiddenFile(_ string, e os.DirEntry) bool {
	info, err := e.Info()
	if err != nil {
		return false
	}
	a, ok := info.Sys().(*syscall.Win32FileAttributeData)
	return ok && a.FileAttributes&(syscall.FILE_ATTRIBUTE_HIDDEN|syscall.FILE_ATTRIBUTE_SYSTEM) != 0
}
