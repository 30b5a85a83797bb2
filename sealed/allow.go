package sealed

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Allow is one destination a sealed build may reach directly: its
// connections are relayed by depaudit and recorded, not refused.
type Allow struct {
	// Rule is the rule as written ("ssh://github.com:22").
	Rule string
	// Host is a host name (matched against the name the build resolved)
	// or an address.
	Host string
	Addr netip.Addr
	Port uint16
}

// defaultPorts are the ports of the schemes an allow rule may omit it for.
var defaultPorts = map[string]uint16{"ssh": 22, "git": 9418, "postgres": 5432, "postgresql": 5432, "mysql": 3306, "redis": 6379}

// ParseAllow reads an allow rule: SCHEME://HOST:PORT, where SCHEME names
// the protocol (tcp, ssh, git, postgres, …; only tcp is the transport,
// the rest are labels), HOST a host name or an IPv4 address, and PORT may
// be left out for ssh, git and the common databases.
func ParseAllow(rule string) (Allow, error) {
	u, err := url.Parse(rule)
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Allow{}, fmt.Errorf("sealed_allow %q: want SCHEME://HOST:PORT, as tcp://10.0.0.5:5432 or ssh://github.com:22", rule)
	}
	a := Allow{Rule: rule, Host: strings.ToLower(u.Hostname())}
	if p := u.Port(); p != "" {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return Allow{}, fmt.Errorf("sealed_allow %q: bad port %q", rule, p)
		}
		a.Port = uint16(n)
	} else if d, ok := defaultPorts[strings.ToLower(u.Scheme)]; ok {
		a.Port = d
	} else {
		return Allow{}, fmt.Errorf("sealed_allow %q: needs a port", rule)
	}
	if ip, err := netip.ParseAddr(a.Host); err == nil {
		if !ip.Is4() {
			return Allow{}, fmt.Errorf("sealed_allow %q: only IPv4 addresses are reachable in a sealed build", rule)
		}
		a.Addr = ip
	} else if strings.ContainsAny(a.Host, "*/ ") {
		return Allow{}, fmt.Errorf("sealed_allow %q: the host must be one name or address", rule)
	}
	return a, nil
}

// matches reports whether a connection to dst, led to by name, is allowed.
func (a Allow) matches(name string, dst netip.AddrPort) bool {
	if dst.Port() != a.Port {
		return false
	}
	if a.Addr.IsValid() {
		return dst.Addr() == a.Addr
	}
	return name != "" && name == a.Host
}

// target is where a relayed connection goes: the name, else the address.
func (a Allow) target(name string, dst netip.AddrPort) string {
	h := name
	if h == "" {
		h = dst.Addr().String()
	}
	return net.JoinHostPort(h, strconv.Itoa(int(dst.Port())))
}
