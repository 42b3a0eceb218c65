//go:build unix

package xlsx

import "syscall"

const openNonBlocking = syscall.O_NONBLOCK
