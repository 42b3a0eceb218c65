package data

import (
	"syscall"
	"testing"
)

// The system's own numbers for a full disk and a file in use.
const (
	diskFullErrno = errorDiskFull
	inUseErrno    = errorSharingViolation
	inUseWords    = "เปิดอยู่ในโปรแกรมอื่น (เช่น Excel)"
)

// Windows' numbers: only a sharing or lock violation is a file open in
// Excel; a full disk is a full disk.
func TestWindowsFileCauses(t *testing.T) {
	for errno, want := range map[syscall.Errno]FileCause{
		errorDiskFull:         CauseDiskFull,
		errorHandleDiskFull:   CauseDiskFull,
		errorAccessDenied:     CauseNoPermission,
		errorWriteProtect:     CauseNoPermission,
		errorSharingViolation: CauseInUse,
		errorLockViolation:    CauseInUse,
		2:                     CauseNotFound,
		3:                     CauseNotFound,
		errorNetNameDeleted:   CauseDevice,
		errorInvalidName:      CauseBadName,
	} {
		if got := FileCauseOf(pathError(errno)); got != want {
			t.Errorf("error %d: cause %d, want %d", errno, got, want)
		}
	}
}
