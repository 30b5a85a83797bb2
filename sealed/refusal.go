package sealed

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrRefused wraps every reason a sealed build could not start: the
// kernel or the environment refused what it needs. The command never
// started.
var ErrRefused = errors.New("sealed build refused")

// Kernel settings that decide whether unprivileged user namespaces work.
const (
	sysctlMaxUserNS        = "user.max_user_namespaces"
	sysctlUsernsClone      = "kernel.unprivileged_userns_clone"
	sysctlAppArmorRestrict = "kernel.apparmor_restrict_unprivileged_userns"
)

// readSysctl reads a kernel setting by its sysctl name.
func readSysctl(name string) (string, error) {
	b, err := os.ReadFile("/proc/sys/" + strings.ReplaceAll(name, ".", "/"))
	return strings.TrimSpace(string(b)), err
}

// diagnose turns the failure of a set-up step into one line that names the
// cause and the setting that lifts it. sysctl reads kernel settings.
func diagnose(step string, errno unix.Errno, detail string, sysctl func(string) (string, error)) error {
	is := func(name, want string) bool {
		v, err := sysctl(name)
		return err == nil && v == want
	}
	msg := ""
	switch {
	case step == stepTun && errno == unix.ENOENT:
		msg = "there is no TUN device (" + detail + "); load the tun module: sudo modprobe tun"
	case step == stepTun && (errno == unix.EACCES || errno == unix.EPERM) && strings.Contains(detail, "open "):
		msg = "/dev/net/tun cannot be opened by this user (" + detail + "); allow it with: sudo chmod 0666 /dev/net/tun"
	case is(sysctlMaxUserNS, "0") || (step == stepNamespace && errno == unix.ENOSPC):
		msg = "the kernel allows no user namespaces (" + sysctlMaxUserNS + " is 0); lift it with: sudo sysctl -w " + sysctlMaxUserNS + "=15000"
	case is(sysctlUsernsClone, "0"):
		msg = "unprivileged user namespaces are disabled (" + sysctlUsernsClone + "=0); lift it with: sudo sysctl -w " + sysctlUsernsClone + "=1"
	case is(sysctlAppArmorRestrict, "1"):
		msg = "AppArmor restricts unprivileged user namespaces (" + sysctlAppArmorRestrict + "=1); lift it with an AppArmor profile that grants depaudit \"userns,\", or: sudo sysctl -w " + sysctlAppArmorRestrict + "=0"
	case step == stepNamespace && errno == unix.EINVAL:
		msg = "this kernel has no user namespaces (" + detail + "); it needs CONFIG_USER_NS and CONFIG_NET_NS"
	case errno == unix.EPERM || errno == unix.EACCES:
		msg = "creating the namespaces was refused (" + detail + "), as a container's seccomp profile or a missing capability does; " +
			"run the container with --security-opt seccomp=unconfined (Docker, Podman) or a profile that allows unshare and clone with namespace flags"
	default:
		msg = "setting up the " + step + " failed: " + detail
	}
	return fmt.Errorf("%w: %s", ErrRefused, msg)
}
