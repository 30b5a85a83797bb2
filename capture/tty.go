package capture

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// inForegroundOfTerminal reports whether in is a terminal whose foreground
// process group is depaudit's own. The child then shares that group, so
// the keyboard's SIGINT and SIGQUIT already reach it from the terminal:
// forwarding them too would deliver each one twice (and a tool that treats
// a second Ctrl-C as "force quit" would skip its clean-up).
func inForegroundOfTerminal(in any) bool {
	f, ok := in.(*os.File)
	if !ok || f == nil {
		return false
	}
	pgrp, err := unix.IoctlGetInt(int(f.Fd()), unix.TIOCGPGRP)
	if err != nil {
		return false // not a terminal
	}
	return pgrp == syscall.Getpgrp()
}

// terminalSignal reports whether sig is one the terminal sends to its
// whole foreground process group.
func terminalSignal(sig os.Signal) bool {
	return sig == syscall.SIGINT || sig == syscall.SIGQUIT || sig == os.Interrupt
}
