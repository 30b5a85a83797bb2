package sealed

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
	"golang.org/x/sys/unix"

	"github.com/depaudit/depaudit/capture"
)

func TestDiagnose(t *testing.T) {
	none := func(string) (string, error) { return "", os.ErrNotExist }
	set := func(name, v string) func(string) (string, error) {
		return func(n string) (string, error) {
			if n == name {
				return v, nil
			}
			return "", os.ErrNotExist
		}
	}
	for _, tc := range []struct {
		step   string
		errno  unix.Errno
		detail string
		sysctl func(string) (string, error)
		want   string
	}{
		{stepTun, unix.EACCES, "open /dev/net/tun: permission denied", none, "sudo chmod 0666 /dev/net/tun"},
		{stepTun, unix.ENOENT, "open /dev/net/tun: no such file", none, "sudo modprobe tun"},
		{stepMount, unix.EPERM, "make mounts private: operation not permitted", set(sysctlAppArmorRestrict, "1"), "AppArmor"},
		{stepNamespace, unix.ENOSPC, "fork/exec: no space left on device", none, sysctlMaxUserNS + "=15000"},
		{stepNamespace, unix.EINVAL, "fork/exec: invalid argument", none, "CONFIG_USER_NS"},
		{stepNamespace, unix.EPERM, "fork/exec: operation not permitted", set(sysctlUsernsClone, "0"), sysctlUsernsClone + "=1"},
		{stepNamespace, unix.EPERM, "fork/exec: operation not permitted", none, "seccomp=unconfined"},
		{stepAddress, unix.EEXIST, "address: file exists", none, "setting up the address failed"},
	} {
		err := diagnose(tc.step, tc.errno, tc.detail, tc.sysctl)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("diagnose(%s, %v) = %v, want one line with %q", tc.step, tc.errno, err, tc.want)
		}
	}
}

func TestParseInitError(t *testing.T) {
	step, errno, detail := parseInitError("error tun EACCES open /dev/net/tun: permission denied")
	if step != stepTun || errno != unix.EACCES || detail != "open /dev/net/tun: permission denied" {
		t.Errorf("got %q %v %q", step, errno, detail)
	}
	if step, errno, _ := parseInitError("garbage"); step != stepNamespace || errno != 0 {
		t.Errorf("garbage read as %q %v", step, errno)
	}
}

func TestParseAllow(t *testing.T) {
	for rule, want := range map[string]string{
		"ssh://github.com:22":    "github.com:22",
		"ssh://GitHub.com":       "github.com:22",
		"tcp://10.0.0.5:5432":    "10.0.0.5:5432",
		"postgres://db.internal": "db.internal:5432",
	} {
		a, err := ParseAllow(rule)
		if err != nil {
			t.Errorf("ParseAllow(%q): %v", rule, err)
			continue
		}
		if got := net.JoinHostPort(a.Host, itoa(a.Port)); got != want {
			t.Errorf("ParseAllow(%q) = %s, want %s", rule, got, want)
		}
	}
	for _, bad := range []string{"github.com:22", "tcp://db", "tcp://u:p@db:1", "tcp://db:0", "tcp://db:99999", "tcp://[::1]:22", "tcp://*.corp:22", "tcp://db:1/x"} {
		if _, err := ParseAllow(bad); err == nil {
			t.Errorf("ParseAllow(%q) accepted", bad)
		}
	}
	a, _ := ParseAllow("tcp://10.0.0.5:5432")
	if !a.matches("", netip.MustParseAddrPort("10.0.0.5:5432")) || a.matches("", netip.MustParseAddrPort("10.0.0.5:5433")) {
		t.Error("address rule matches wrongly")
	}
	n, _ := ParseAllow("ssh://github.com:22")
	if !n.matches("github.com", netip.MustParseAddrPort("198.18.0.9:22")) || n.matches("", netip.MustParseAddrPort("198.18.0.9:22")) {
		t.Error("name rule matches wrongly")
	}
}

func itoa(p uint16) string {
	return netip.AddrPortFrom(netip.IPv4Unspecified(), p).String()[len("0.0.0.0:"):]
}

func TestClassify(t *testing.T) {
	for in, want := range map[string]int{
		"":                   kindUnknown,
		"\x16":               kindUnknown,
		"\x16\x03\x01":       kindTLS,
		"\x16\x02":           kindOther,
		"GE":                 kindUnknown,
		"GET / HTTP/1.1\r\n": kindHTTP,
		"PROPFIND ":          kindHTTP,
		"SSH-2.0-OpenSSH":    kindOther,
		"0032git-upload":     kindOther,
		"GETX":               kindOther,
	} {
		if got := classify([]byte(in)); got != want {
			t.Errorf("classify(%q) = %d, want %d", in, got, want)
		}
	}
}

func FuzzClassify(f *testing.F) {
	for _, s := range []string{"", "\x16\x03\x01\x02\x00", "GET / HTTP/1.1\r\n", "SSH-2.0-x", "POS"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k := classify(b)
		// More bytes never undo a decision.
		if k != kindUnknown && classify(append(append([]byte{}, b...), 'x')) != k {
			t.Errorf("classify(%q) = %d changes with one more byte", b, k)
		}
	})
}

// query packs a DNS question.
func query(t testing.TB, name string, typ dnsmessage.Type) []byte {
	m := dnsmessage.Message{Header: dnsmessage.Header{ID: 7, RecursionDesired: true},
		Questions: []dnsmessage.Question{{Name: dnsmessage.MustNewName(name), Type: typ, Class: dnsmessage.ClassINET}}}
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func testResolver(recorded *[]capture.Lookup) *resolver {
	return newResolver(func(_ context.Context, host string) ([]netip.Addr, error) {
		switch host {
		case "registry.npmjs.org", "github.com":
			return []netip.Addr{netip.MustParseAddr("192.0.2.1")}, nil
		case "broken.example":
			return nil, errors.New("resolver unreachable")
		}
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}, func(l *capture.Lookup) { *recorded = append(*recorded, *l) })
}

func TestResolverAnswers(t *testing.T) {
	var rec []capture.Lookup
	r := testResolver(&rec)
	answer := func(name string, typ dnsmessage.Type) dnsmessage.Message {
		var m dnsmessage.Message
		if err := m.Unpack(r.answer(query(t, name, typ))); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m.ID != 7 || !m.Response {
			t.Errorf("%s: header %+v", name, m.Header)
		}
		return m
	}
	m := answer("Registry.NPMjs.org.", dnsmessage.TypeA)
	if m.RCode != dnsmessage.RCodeSuccess || len(m.Answers) != 1 {
		t.Fatalf("A answer %+v", m)
	}
	a := netip.AddrFrom4(m.Answers[0].Body.(*dnsmessage.AResource).A)
	if !fakeRange.Contains(a) || r.nameOf(a) != "registry.npmjs.org" {
		t.Errorf("answered %v, which maps back to %q", a, r.nameOf(a))
	}
	again := answer("registry.npmjs.org.", dnsmessage.TypeA)
	if b := netip.AddrFrom4(again.Answers[0].Body.(*dnsmessage.AResource).A); b != a {
		t.Errorf("the same name got %v then %v", a, b)
	}
	other := answer("github.com.", dnsmessage.TypeA)
	if b := netip.AddrFrom4(other.Answers[0].Body.(*dnsmessage.AResource).A); b == a {
		t.Error("two names got the same address")
	}
	if m := answer("registry.npmjs.org.", dnsmessage.TypeAAAA); m.RCode != dnsmessage.RCodeSuccess || len(m.Answers) != 0 {
		t.Errorf("AAAA answer %+v, want no data", m)
	}
	if m := answer("nothing.example.", dnsmessage.TypeA); m.RCode != dnsmessage.RCodeNameError {
		t.Errorf("unknown name: rcode %v", m.RCode)
	}
	if m := answer("broken.example.", dnsmessage.TypeA); m.RCode != dnsmessage.RCodeServerFailure {
		t.Errorf("failing resolver: rcode %v", m.RCode)
	}
	// Each name and type is recorded once.
	if len(rec) != 5 || rec[0].Name != "registry.npmjs.org" || rec[0].Type != "A" || len(rec[0].Answer) != 1 ||
		rec[3].Error == "" {
		t.Errorf("recorded %+v", rec)
	}
	if r.answer([]byte{1, 2, 3}) != nil {
		t.Error("garbage answered")
	}
}

func FuzzResolverAnswer(f *testing.F) {
	f.Add(query(f, "registry.npmjs.org.", dnsmessage.TypeA))
	f.Add(query(f, "x.", dnsmessage.TypeAAAA))
	f.Add([]byte{0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, q []byte) {
		var rec []capture.Lookup
		r := testResolver(&rec)
		if out := r.answer(q); out != nil {
			var m dnsmessage.Message
			if err := m.Unpack(out); err != nil {
				t.Fatalf("answer does not parse: %v", err)
			}
			if !m.Response {
				t.Error("answer is not a response")
			}
		}
	})
}

func TestProxyPorts(t *testing.T) {
	if got := portOf(hostOfURL("http://depaudit:0123abcd@127.0.0.1:41234")); got != 41234 {
		t.Errorf("JVM URL port = %d", got)
	}
	if got := portOf("127.0.0.1:8080"); got != 8080 {
		t.Errorf("proxy address port = %d", got)
	}
	if got := portOf(hostOfURL("::bad")); got != 0 {
		t.Errorf("bad URL port = %d", got)
	}
}
