//go:build unix

package data

import "syscall"

// The system's own numbers for a full disk and a file in use.
const (
	diskFullErrno = syscall.ENOSPC
	inUseErrno    = syscall.ETXTBSY
	inUseWords    = "เปิดอยู่ในโปรแกรมอื่น"
)
