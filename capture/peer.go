package capture

import (
	"bufio"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
)

// The JVM cannot send a proxy credential for HTTPS tunnels from system
// properties alone: Maven's transport ignores http(s).proxyUser, and the
// JDK needs an Authenticator that only code can install. JVM clients are
// therefore given a second loopback port that admits a connection without
// the credential only when the connecting socket belongs to depaudit's own
// user, read from the kernel's socket table. That is the protection the
// credential gives on a shared machine (processes of the same user can read
// the child's environment, credential included), without it.

// socketOwner returns the uid owning the TCP socket whose local address is
// local and remote address is remote, from /proc/net/tcp and tcp6.
func socketOwner(local, remote *net.TCPAddr) (int, error) {
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		uid, err := findSocketOwner(table, local, remote)
		if err == nil {
			return uid, nil
		}
		if !errors.Is(err, errSocketNotFound) && !os.IsNotExist(err) {
			return -1, err
		}
	}
	return -1, errSocketNotFound
}

var errSocketNotFound = errors.New("socket not found in the kernel's table")

func findSocketOwner(table string, local, remote *net.TCPAddr) (int, error) {
	uid, _, err := findSocket(table, local, remote)
	return uid, err
}

// findSocket returns the owner's uid and the inode of a socket in table.
func findSocket(table string, local, remote *net.TCPAddr) (int, uint64, error) {
	f, err := os.Open(table)
	if err != nil {
		return -1, 0, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Scan() // header
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 10 {
			continue
		}
		l, err1 := parseProcAddr(fields[1])
		r, err2 := parseProcAddr(fields[2])
		if err1 != nil || err2 != nil {
			continue
		}
		if sameAddr(l, local) && sameAddr(r, remote) {
			uid, err := strconv.Atoi(fields[7])
			if err != nil {
				return -1, 0, fmt.Errorf("%s: bad uid %q", table, fields[7])
			}
			inode, err := strconv.ParseUint(fields[9], 10, 64)
			if err != nil {
				return -1, 0, fmt.Errorf("%s: bad inode %q", table, fields[9])
			}
			return uid, inode, nil
		}
	}
	if err := s.Err(); err != nil {
		return -1, 0, fmt.Errorf("read %s: %w", table, err)
	}
	return -1, 0, errSocketNotFound
}

func sameAddr(a, b *net.TCPAddr) bool {
	return a.Port == b.Port && a.IP.Equal(b.IP)
}

// parseProcAddr parses "0100007F:1F90" (IPv4) or the 32-hex-digit IPv6
// form: each 32-bit word is in host (little-endian) byte order.
func parseProcAddr(s string) (*net.TCPAddr, error) {
	h, p, ok := strings.Cut(s, ":")
	if !ok {
		return nil, errors.New("no port")
	}
	port, err := strconv.ParseUint(p, 16, 16)
	if err != nil {
		return nil, err
	}
	raw, err := hex.DecodeString(h)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return nil, errors.New("bad address")
	}
	ip := make(net.IP, len(raw))
	for i := 0; i < len(raw); i += 4 {
		ip[i], ip[i+1], ip[i+2], ip[i+3] = raw[i+3], raw[i+2], raw[i+1], raw[i]
	}
	return &net.TCPAddr{IP: ip, Port: int(port)}, nil
}

// socketEntry returns the owner's uid and the inode of the TCP socket
// whose local address is local and remote address is remote.
func socketEntry(local, remote *net.TCPAddr) (uid int, inode uint64, err error) {
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		uid, inode, err := findSocket(table, local, remote)
		if err == nil {
			return uid, inode, nil
		}
		if !errors.Is(err, errSocketNotFound) && !os.IsNotExist(err) {
			return -1, 0, err
		}
	}
	return -1, 0, errSocketNotFound
}

// processTree returns the pids of root and all its descendants, from the
// parent pids in /proc/<pid>/stat.
func processTree(root int) map[int]bool {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		s := string(b)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(s[i+1:])
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err == nil {
			children[ppid] = append(children[ppid], pid)
		}
	}
	tree := map[int]bool{root: true}
	queue := []int{root}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			if !tree[c] {
				tree[c] = true
				queue = append(queue, c)
			}
		}
	}
	return tree
}

// holdsSocket reports whether one of pids has a file descriptor on the
// socket with inode.
func holdsSocket(pids map[int]bool, inode uint64) bool {
	want := "socket:[" + strconv.FormatUint(inode, 10) + "]"
	for pid := range pids {
		dir := "/proc/" + strconv.Itoa(pid) + "/fd"
		fds, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			if l, err := os.Readlink(dir + "/" + fd.Name()); err == nil && l == want {
				return true
			}
		}
	}
	return false
}

// inBuild reports whether the client socket of c (a connection accepted by
// the proxy) is held by a process of the tree rooted at root: the build's
// own processes, as opposed to strangers. It returns the socket owner's
// uid too, -1 when unknown. A socket of depaudit's own user is looked for
// through /proc only when check allows it; checked is false when it did
// not (the connection then counts as a stranger's).
func inBuild(c net.Conn, root int, check func() bool) (build bool, uid int, checked bool) {
	local, ok1 := c.LocalAddr().(*net.TCPAddr)
	remote, ok2 := c.RemoteAddr().(*net.TCPAddr)
	if !ok1 || !ok2 {
		return false, -1, true
	}
	// The client's socket has the client's address as its local end.
	uid, inode, err := socketEntry(remote, local)
	if err != nil || root <= 0 {
		return false, uid, true
	}
	if uid != os.Getuid() {
		// Another user's process: not the build's, which runs as this
		// user; found without looking through /proc, so that a flood of
		// other users' connections costs little.
		return false, uid, true
	}
	if !check() {
		return false, uid, false
	}
	return holdsSocket(processTree(root), inode), uid, true
}
