package capture

import (
	"os"
	"os/exec"
	"runtime"
	"syscall"
)

// child is the running command of a build.
type child struct {
	cmd *exec.Cmd
	// group is set when the command leads a process group of its own, so
	// that signals reach its descendants too.
	group bool
	// done receives the result of Wait.
	done chan error
}

// startChild starts cmd so that it dies with depaudit: the kernel sends it
// SIGKILL when depaudit ends, even by SIGKILL, instead of leaving it
// running orphaned. With ownGroup it leads a new process group (not when
// it shares depaudit's terminal: it must stay in the terminal's
// foreground group to read from it and get the keyboard's signals).
// start starts cmd: (*exec.Cmd).Start, or a Network's Start, which runs it
// in namespaces of its own.
func startChild(cmd *exec.Cmd, ownGroup bool, start func(*exec.Cmd) error) (*child, error) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig, cmd.SysProcAttr.Setpgid = syscall.SIGKILL, ownGroup
	c := &child{cmd: cmd, group: ownGroup, done: make(chan error, 1)}
	started := make(chan error, 1)
	go func() {
		// The parent-death signal is sent when the thread that started
		// the child ends, and the runtime may end idle threads: this
		// goroutine keeps its thread until the child has been reaped,
		// then lets it end with it.
		runtime.LockOSThread()
		if err := start(cmd); err != nil {
			runtime.UnlockOSThread()
			started <- err
			return
		}
		started <- nil
		c.done <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return c, nil
}

// signal sends sig to the child, and to its whole process group when it
// leads one.
func (c *child) signal(sig os.Signal) {
	s, ok := sig.(syscall.Signal)
	if c.group && ok {
		if err := syscall.Kill(-c.cmd.Process.Pid, s); err == nil {
			return
		}
	}
	_ = c.cmd.Process.Signal(sig)
}

// kill kills the child and, when it leads a process group, every process
// left in it.
func (c *child) kill() { c.signal(syscall.SIGKILL) }
