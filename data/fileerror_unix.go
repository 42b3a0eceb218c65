//go:build unix

package data

import "syscall"

// systemCause reads a Unix error number.
func systemCause(errno syscall.Errno) FileCause {
	switch errno {
	case syscall.ENOSPC, syscall.EDQUOT:
		return CauseDiskFull
	case syscall.EACCES, syscall.EPERM, syscall.EROFS:
		return CauseNoPermission
	case syscall.EBUSY, syscall.ETXTBSY:
		return CauseInUse
	case syscall.ENOENT, syscall.ENOTDIR:
		return CauseNotFound
	case syscall.EFBIG:
		return CauseTooLarge
	case syscall.EIO, syscall.ENXIO, syscall.ENODEV, syscall.ESTALE, syscall.EHOSTDOWN, syscall.ENOTCONN:
		return CauseDevice
	case syscall.ENAMETOOLONG:
		return CauseNameTooLong
	case syscall.EISDIR:
		return CauseIsFolder
	}
	return CauseUnknown
}
