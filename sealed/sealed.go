// Package sealed runs a build in a network of its own, whose only way out
// is depaudit.
//
// The command runs in new user, network and mount namespaces, created
// without privileges. Inside there is loopback and one TUN device whose
// other end is a user-space TCP/IP stack (gVisor's netstack) in depaudit's
// process. Connections to the gateway's proxy ports go to the capture
// proxy; TCP connections that come around the proxy and speak TLS or HTTP
// are handed to it as transparent connections; DNS is answered by depaudit
// with addresses from a private range that map back to the names asked;
// everything else is refused at once and recorded, unless an allow rule
// relays it. The package knows the capture proxy only through
// capture.Proxy.ServeConn and the log records it writes.
package sealed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/depaudit/depaudit/capture"
)

// The sealed network's addresses: the child's, the gateway (depaudit's
// end, which serves the proxy ports and DNS), and the range the DNS hands
// out (198.18.0.0/15, reserved for benchmarking, so no real destination
// is hidden by it).
var (
	childPrefix = netip.MustParsePrefix("10.0.2.100/24")
	gatewayAddr = netip.MustParseAddr("10.0.2.2")
	fakeRange   = netip.MustParsePrefix("198.18.0.0/15")
)

const (
	tunName = "tun0"
	// mtu is large, as slirp4netns's: every packet is one read or write
	// on the TUN descriptor, so fewer, larger ones go faster.
	mtu = 65520
)

// Config configures a sealed network.
type Config struct {
	// Allow lists the destinations that are relayed rather than refused
	// (see ParseAllow).
	Allow []Allow
	// Resolve resolves a name in depaudit's own namespace; nil means the
	// system resolver. Tests route public names to local servers with it.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
	// Dial connects relayed connections; nil means a net.Dialer.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
	// Spawn starts the init process in place of cmd.Start; tests make it
	// fail as a kernel that refuses namespaces would.
	Spawn func(cmd *exec.Cmd) error
	// Sysctl reads a kernel setting by name; nil reads /proc/sys. Tests
	// simulate the settings that refuse namespaces.
	Sysctl func(name string) (string, error)
	// TunPath is the TUN clone device; empty means /dev/net/tun.
	TunPath string
	// Executable is the program re-executed as the namespaces' init;
	// empty means depaudit's own executable.
	Executable string
	// Warnf receives diagnostics; nil discards them.
	Warnf func(format string, args ...any)
}

// Network is a sealed network for one build (a capture.Network).
type Network struct {
	cfg Config
	dir string
	st  *netStack
	dns *resolver

	mu       sync.Mutex
	closed   bool
	udpSeen  map[string]bool
	relays   sync.WaitGroup
	relayMu  sync.Mutex
	relaying map[net.Conn]struct{}
}

// New prepares a sealed network; nothing runs until Start.
func New(cfg Config) *Network {
	if cfg.Sysctl == nil {
		cfg.Sysctl = readSysctl
	}
	if cfg.TunPath == "" {
		cfg.TunPath = "/dev/net/tun"
	}
	if cfg.Resolve == nil {
		cfg.Resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip4", host)
		}
	}
	if cfg.Dial == nil {
		d := &net.Dialer{Timeout: 30 * time.Second}
		cfg.Dial = d.DialContext
	}
	return &Network{cfg: cfg, udpSeen: map[string]bool{}, relaying: map[net.Conn]struct{}{}}
}

// ProxyHost is the gateway's address, where the child reaches the proxy.
func (n *Network) ProxyHost() string { return gatewayAddr.String() }

// Start runs cmd inside new namespaces: depaudit's executable runs first
// as their init, sets them up and passes the TUN device back, then
// executes cmd once the stack serves it. A refusal by the kernel is an
// error wrapping ErrRefused, and cmd has not run.
func (n *Network) Start(cmd *exec.Cmd, p *capture.Proxy, rec capture.NetRecorder) (err error) {
	defer func() {
		// A network that did not start leaves nothing behind (Close is
		// not called then).
		if err != nil && n.dir != "" {
			os.RemoveAll(n.dir)
			n.dir = ""
		}
	}()
	exe := n.cfg.Executable
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("sealed: find depaudit's executable: %w", err)
		}
	}
	dir, err := os.MkdirTemp("", "depaudit-sealed-")
	if err != nil {
		return fmt.Errorf("sealed: %w", err)
	}
	n.dir = dir
	resolv := filepath.Join(dir, "resolv.conf")
	if err := os.WriteFile(resolv, []byte("nameserver "+gatewayAddr.String()+"\noptions ndots:0\n"), 0o644); err != nil {
		return fmt.Errorf("sealed: %w", err)
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("sealed: socket pair: %w", err)
	}
	parentEnd := os.NewFile(uintptr(fds[0]), "sealed-parent")
	childEnd := os.NewFile(uintptr(fds[1]), "sealed-child")
	defer childEnd.Close()
	pc, err := net.FileConn(parentEnd)
	parentEnd.Close()
	if err != nil {
		return fmt.Errorf("sealed: %w", err)
	}
	sock := pc.(*net.UnixConn)
	defer sock.Close()

	path := cmd.Path
	cmd.Path = exe
	cmd.Args = append([]string{initArg0, path}, cmd.Args...)
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(cmd.Env, initEnv+"=1")
	cmd.ExtraFiles = []*os.File{childEnd}
	uid, gid := os.Getuid(), os.Getgid()
	// The caller's attributes (a parent-death signal, a process group) are
	// kept; the namespaces are added to them.
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET | syscall.CLONE_NEWNS
	cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: uid, HostID: uid, Size: 1}}
	cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: gid, HostID: gid, Size: 1}}
	cmd.SysProcAttr.GidMappingsEnableSetgroups = false
	if uid != 0 {
		// The init keeps what it needs to set the namespaces up across its
		// exec, and drops it before the build's command runs.
		cmd.SysProcAttr.AmbientCaps = []uintptr{unix.CAP_NET_ADMIN, unix.CAP_SYS_ADMIN}
	}
	spawn := n.cfg.Spawn
	if spawn == nil {
		spawn = (*exec.Cmd).Start
	}
	if err := spawn(cmd); err != nil {
		var en syscall.Errno
		errors.As(err, &en)
		return diagnose(stepNamespace, unix.Errno(en), err.Error(), n.cfg.Sysctl)
	}
	childEnd.Close()
	abort := func(err error) error {
		cmd.Process.Kill()
		cmd.Wait()
		if n.st != nil {
			n.st.close()
		}
		return err
	}
	cfgMsg, _ := json.Marshal(initConfig{
		TunPath: n.cfg.TunPath, TunName: tunName, Addr: childPrefix.String(),
		Gateway: gatewayAddr.String(), MTU: mtu, Resolv: resolv,
	})
	sock.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := sock.Write(cfgMsg); err != nil {
		return abort(fmt.Errorf("sealed: talk to the namespace's init: %w", err))
	}
	buf := make([]byte, 4096)
	oob := make([]byte, unix.CmsgSpace(4))
	nb, noob, _, _, err := sock.ReadMsgUnix(buf, oob)
	if err != nil || nb == 0 {
		return abort(fmt.Errorf("%w: the namespace's init ended before setting up (%v)", ErrRefused, err))
	}
	if msg := string(buf[:nb]); msg != "ok" {
		step, errno, detail := parseInitError(msg)
		return abort(diagnose(step, errno, detail, n.cfg.Sysctl))
	}
	tun, err := receiveFD(oob[:noob])
	if err != nil {
		return abort(fmt.Errorf("sealed: receive the TUN device: %w", err))
	}
	n.dns = newResolver(n.cfg.Resolve, rec.Lookup)
	st, err := newNetStack(tun, mtu, n.handlers(p, rec))
	if err != nil {
		unix.Close(tun)
		return abort(fmt.Errorf("sealed: %w", err))
	}
	n.st = st
	if _, err := sock.Write([]byte("go")); err != nil {
		return abort(fmt.Errorf("sealed: start the command: %w", err))
	}
	return nil
}

// parseInitError reads the init's "error STEP ERRNO DETAIL" message.
func parseInitError(msg string) (string, unix.Errno, string) {
	parts := strings.SplitN(msg, " ", 4)
	if len(parts) != 4 || parts[0] != "error" {
		return stepNamespace, 0, msg
	}
	var errno unix.Errno
	for e := unix.Errno(1); e < 256; e++ {
		if unix.ErrnoName(e) == parts[2] {
			errno = e
			break
		}
	}
	return parts[1], errno, parts[3]
}

// receiveFD returns the descriptor carried by a SCM_RIGHTS message.
func receiveFD(oob []byte) (int, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return -1, err
	}
	for _, m := range msgs {
		fds, err := unix.ParseUnixRights(&m)
		if err == nil && len(fds) > 0 {
			for _, extra := range fds[1:] {
				unix.Close(extra)
			}
			return fds[0], nil
		}
	}
	return -1, errors.New("no descriptor in the message")
}

// Close stops the stack and ends relays still open (they are recorded).
func (n *Network) Close() {
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	n.relayMu.Lock()
	for c := range n.relaying {
		c.Close()
	}
	n.relayMu.Unlock()
	n.relays.Wait()
	if n.st != nil {
		n.st.close()
	}
	if n.dir != "" {
		os.RemoveAll(n.dir)
	}
}

func (n *Network) warnf(format string, args ...any) {
	if n.cfg.Warnf != nil {
		n.cfg.Warnf(format, args...)
	}
}
