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
	f, err := os.Open(table)
	if err != nil {
		return -1, err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	s.Scan() // header
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 8 {
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
				return -1, fmt.Errorf("%s: bad uid %q", table, fields[7])
			}
			return uid, nil
		}
	}
	if err := s.Err(); err != nil {
		return -1, fmt.Errorf("read %s: %w", table, err)
	}
	return -1, errSocketNotFound
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
