package sealed

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// initEnv marks the environment of depaudit re-executed as the sealed
// network's init; initArg0 is its argv[0]. Both must be present.
const (
	initEnv  = "DEPAUDIT_SEALED_INIT"
	initArg0 = "depaudit-sealed-init"
	// initFD is the descriptor of the init's end of the Unix socket.
	initFD = 3
)

// initConfig is what the init is told over its socket before it sets up
// the namespace.
type initConfig struct {
	// TunPath is the TUN clone device, normally /dev/net/tun.
	TunPath string `json:"tun_path"`
	// TunName is the name of the device to create.
	TunName string `json:"tun_name"`
	// Addr is the child's address with its prefix; Gateway depaudit's.
	Addr    string `json:"addr"`
	Gateway string `json:"gateway"`
	MTU     int    `json:"mtu"`
	// Resolv is a resolv.conf naming the gateway, bind-mounted over
	// /etc/resolv.conf.
	Resolv string `json:"resolv"`
}

// Steps of the init's set-up, named in its refusals.
const (
	stepNamespace = "namespace"
	stepMount     = "mount"
	stepLoopback  = "loopback"
	stepTun       = "tun"
	stepAddress   = "address"
)

// IsInit reports whether this process is depaudit re-executed as the
// init of a sealed build's namespaces. main (and a test binary's
// TestMain) calls InitMain first thing when it is.
func IsInit() bool {
	return len(os.Args) > 1 && os.Args[0] == initArg0 && os.Getenv(initEnv) != ""
}

// InitMain sets up the namespaces it runs in (loopback up, a TUN device
// with an address and the default route, /etc/resolv.conf naming the
// gateway), passes the TUN descriptor to depaudit over the inherited
// socket, waits for depaudit's stack to run, and executes the command:
// os.Args[1] is its path, os.Args[2:] its argument vector. It returns only
// on failure, with the exit code to use; the failure is reported on the
// socket for depaudit to explain.
func InitMain() int {
	sock := os.NewFile(initFD, "sealed-socket")
	unix.CloseOnExec(initFD)
	c, err := net.FileConn(sock)
	sock.Close()
	if err != nil {
		fmt.Fprintf(os.Stderr, "depaudit: sealed init: %v\n", err)
		return 2
	}
	uc := c.(*net.UnixConn)
	defer uc.Close()
	fail := func(step string, err error) int {
		msg := "error " + step + " " + errnoName(err) + " " + err.Error()
		uc.Write([]byte(msg))
		return 2
	}
	buf := make([]byte, 4096)
	n, err := uc.Read(buf)
	if err != nil {
		return 2
	}
	var cfg initConfig
	if err := json.Unmarshal(buf[:n], &cfg); err != nil {
		return fail(stepNamespace, err)
	}
	if step, err := setUp(cfg); err != nil {
		return fail(step, err)
	}
	tun, err := openTun(cfg.TunPath, cfg.TunName)
	if err != nil {
		return fail(stepTun, err)
	}
	if err := configureTun(cfg); err != nil {
		return fail(stepAddress, err)
	}
	if _, _, err := uc.WriteMsgUnix([]byte("ok"), unix.UnixRights(tun), nil); err != nil {
		return 2
	}
	unix.Close(tun)
	n, err = uc.Read(buf)
	if err != nil || string(buf[:n]) != "go" {
		// depaudit could not start its side: it reports why.
		return 2
	}
	uc.Close()
	// The build runs without the capabilities the set-up needed.
	unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
	env := make([]string, 0, len(os.Environ()))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, initEnv+"=") {
			env = append(env, kv)
		}
	}
	err = unix.Exec(os.Args[1], os.Args[2:], env)
	fmt.Fprintf(os.Stderr, "depaudit: start %s: %v\n", os.Args[1], err)
	if errors.Is(err, unix.ENOENT) {
		return 127
	}
	return 126
}

// setUp makes the mount namespace private, puts the resolv.conf in place
// and brings loopback up.
func setUp(cfg initConfig) (string, error) {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return stepMount, fmt.Errorf("make mounts private: %w", err)
	}
	if cfg.Resolv != "" {
		if _, err := os.Stat("/etc/resolv.conf"); err == nil {
			if err := unix.Mount(cfg.Resolv, "/etc/resolv.conf", "", unix.MS_BIND, ""); err != nil {
				return stepMount, fmt.Errorf("bind-mount resolv.conf: %w", err)
			}
		}
	}
	lo, err := netlink.LinkByName("lo")
	if err != nil {
		return stepLoopback, fmt.Errorf("find lo: %w", err)
	}
	if err := netlink.LinkSetUp(lo); err != nil {
		return stepLoopback, fmt.Errorf("bring lo up: %w", err)
	}
	return "", nil
}

// openTun creates the TUN device and returns its descriptor.
func openTun(path, name string) (int, error) {
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, fmt.Errorf("open %s: %w", path, err)
	}
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		unix.Close(fd)
		return -1, err
	}
	ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("create %s (TUNSETIFF): %w", name, err)
	}
	// A persistent device outlives depaudit's descriptor: closing it then
	// costs nothing, and the kernel removes the device with the namespace,
	// in the background, instead of in depaudit's close (tens of
	// milliseconds off every sealed build's end).
	if err := unix.IoctlSetInt(fd, unix.TUNSETPERSIST, 1); err != nil {
		unix.Close(fd)
		return -1, fmt.Errorf("make %s persistent (TUNSETPERSIST): %w", name, err)
	}
	return fd, nil
}

// configureTun gives the TUN device its MTU and address, brings it up and
// routes everything through it.
func configureTun(cfg initConfig) error {
	link, err := netlink.LinkByName(cfg.TunName)
	if err != nil {
		return fmt.Errorf("find %s: %w", cfg.TunName, err)
	}
	if err := netlink.LinkSetMTU(link, cfg.MTU); err != nil {
		return fmt.Errorf("set MTU of %s: %w", cfg.TunName, err)
	}
	addr, err := netlink.ParseAddr(cfg.Addr)
	if err != nil {
		return err
	}
	if err := netlink.AddrAdd(link, addr); err != nil {
		return fmt.Errorf("address %s: %w", cfg.Addr, err)
	}
	if err := netlink.LinkSetUp(link); err != nil {
		return fmt.Errorf("bring %s up: %w", cfg.TunName, err)
	}
	gw := net.ParseIP(cfg.Gateway)
	if err := netlink.RouteAdd(&netlink.Route{LinkIndex: link.Attrs().Index, Gw: gw}); err != nil {
		return fmt.Errorf("default route via %s: %w", cfg.Gateway, err)
	}
	return nil
}

// errnoName names the errno inside err ("EPERM"), or "-".
func errnoName(err error) string {
	var en unix.Errno
	if errors.As(err, &en) {
		if name := unix.ErrnoName(en); name != "" {
			return name
		}
	}
	return "-"
}
