package data

import "syscall"

// Windows error numbers (winerror.h) that the syscall package does not
// name.
const (
	errorAccessDenied       syscall.Errno = 5
	errorInvalidDrive       syscall.Errno = 15
	errorWriteProtect       syscall.Errno = 19
	errorNotReady           syscall.Errno = 21
	errorCRC                syscall.Errno = 23
	errorSharingViolation   syscall.Errno = 32
	errorLockViolation      syscall.Errno = 33
	errorHandleDiskFull     syscall.Errno = 39
	errorBadNetPath         syscall.Errno = 53
	errorDevNotExist        syscall.Errno = 55
	errorUnexpNetErr        syscall.Errno = 59
	errorNetNameDeleted     syscall.Errno = 64
	errorDiskFull           syscall.Errno = 112
	errorInvalidName        syscall.Errno = 123
	errorFilenameExcedRange syscall.Errno = 206
	errorFileTooLarge       syscall.Errno = 223
	errorDiskQuotaExceeded  syscall.Errno = 1295
	errorUserMappedFile     syscall.Errno = 1224
	errorIODevice           syscall.Errno = 1117
)

// systemCause reads a Windows error number.
func systemCause(errno syscall.Errno) FileCause {
	switch errno {
	case errorDiskFull, errorHandleDiskFull, errorDiskQuotaExceeded:
		return CauseDiskFull
	case errorAccessDenied, errorWriteProtect:
		return CauseNoPermission
	case errorSharingViolation, errorLockViolation, errorUserMappedFile:
		return CauseInUse
	case syscall.ERROR_FILE_NOT_FOUND, syscall.ERROR_PATH_NOT_FOUND, errorInvalidDrive:
		return CauseNotFound
	case errorFileTooLarge:
		return CauseTooLarge
	case errorNotReady, errorCRC, errorBadNetPath, errorDevNotExist, errorUnexpNetErr, errorNetNameDeleted, errorIODevice:
		return CauseDevice
	case errorFilenameExcedRange:
		return CauseNameTooLong
	case errorInvalidName:
		return CauseBadName
	}
	return CauseUnknown
}
