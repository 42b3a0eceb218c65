//go:build windows

package xlsx

// Windows has no named pipes in the file system and no O_NONBLOCK.
const openNonBlocking = 0
