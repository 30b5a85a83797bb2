package main

import (
	"context"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/fakeregistry"
	"github.com/depaudit/depaudit/sealed"
)

// TestMain lets the test binary serve as a sealed build's init: a sealed
// build re-executes depaudit's own executable, here the test binary.
func TestMain(m *testing.M) {
	if sealed.IsInit() {
		os.Exit(sealed.InitMain())
	}
	os.Exit(m.Run())
}

// resolveFake resolves the fake registry's host names (to an address that
// is never dialled: the upstream dialer routes names) and localhost; other
// names do not exist.
func (e *e2eRun) resolveFake(_ context.Context, host string) ([]netip.Addr, error) {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" {
		return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
	}
	for _, known := range e.reg.Hosts() {
		if known == h {
			return []netip.Addr{netip.MustParseAddr("192.0.2.1")}, nil
		}
	}
	return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
}

// requireSealed skips (or fails under DEPAUDIT_REQUIRE_CLIENTS=1) where
// the kernel refuses what a sealed build needs.
func requireSealed(t *testing.T) {
	t.Helper()
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		missingClient(t, "/dev/net/tun", err)
	}
}

func transparentExchanges(l *capture.Log) (n int) {
	for _, x := range l.Exchanges {
		if x.Transparent {
			n++
		}
	}
	return n
}

// TestE2ESealedCurl: curl honouring the proxy variables in a sealed build
// is recorded as without --sealed; curl ignoring them (--noproxy '*') is
// captured transparently, with the same bytes and digests.
func TestE2ESealedCurl(t *testing.T) {
	t.Parallel()
	requireSealed(t)
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{})
	bin := fakeregistry.GenericBinaryURL(fakeregistry.Options{})
	res := e.buildFlags([]string{"--sealed"}, curl, "-fsS", "-o", filepath.Join(e.dir, "toolbox"), bin)
	checkServedWereCaptured(t, e.reg, res.log)
	checkArtifacts(t, e.reg, res.log, bin)
	if !res.log.Header.Sealed {
		t.Error("the capture log's header does not say the build was sealed")
	}
	if n := transparentExchanges(res.log); n != 0 {
		t.Errorf("%d exchanges through the proxy recorded as transparent", n)
	}

	for _, u := range []string{bin, strings.Replace(bin, "https://", "http://", 1)} {
		res = e.buildFlags([]string{"--sealed"}, curl, "--noproxy", "*", "-fsS", "-o", filepath.Join(e.dir, "toolbox2"), u)
		checkServedWereCaptured(t, e.reg, res.log)
		checkArtifacts(t, e.reg, res.log, u)
		if n := transparentExchanges(res.log); n != 1 || len(res.log.Exchanges) != 1 {
			t.Errorf("%s: %d of %d exchanges transparent, want the one", u, n, len(res.log.Exchanges))
		}
		found := false
		for _, lk := range res.log.Lookups {
			found = found || lk.Name == fakeregistry.HostGeneric && lk.Type == "A" && len(lk.Answer) == 1
		}
		if !found {
			t.Errorf("no lookup of %s recorded: %+v", fakeregistry.HostGeneric, res.log.Lookups)
		}
	}
}
