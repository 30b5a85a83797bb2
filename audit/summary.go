package audit

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/observe"
)

// Summary is the figures of one build that the end-of-build summary prints.
type Summary struct {
	// Requests counts the recorded requests; CONNECT tunnels whose TLS
	// handshake failed are not requests (see FailedTunnels), CONNECTs the
	// proxy refused are.
	Requests int
	// Bytes is the total of response body bytes received.
	Bytes int64
	// Hosts counts the distinct hosts contacted, tunnels included.
	Hosts int
	// Failures counts requests that got no response, a 4xx/5xx status, or a
	// body that ended early.
	Failures int
	// ExpectedMisses counts the requests that a client sends expecting a
	// miss and that missed as expected: the go command's 403/404/410 for
	// `…/@v/list`, `…/@latest` and `…/@v/….info` of a module path's
	// prefixes. They are not Failures.
	ExpectedMisses int
	// FailedDownloads counts artifact downloads left out of the SBOM
	// because they failed, were cut short or carried no usable hash.
	FailedDownloads int
	// Components counts the artifacts (the SBOM's components).
	Components int
	// Packages counts the artifacts per ecosystem.
	Packages map[string]int
	// UnclassifiedCalls counts the requests listed as unclassified.
	UnclassifiedCalls int
	// UnclassifiedHosts lists, sorted, the hosts of the unclassified calls.
	UnclassifiedHosts []string
	// FailedTunnels lists, sorted, the hosts of CONNECT tunnels whose TLS
	// handshake with the client failed, typically because the client did
	// not trust depaudit's CA.
	FailedTunnels []string
	// Transparent counts the requests that came around the proxy in a
	// sealed build; TransparentHosts lists their hosts, sorted.
	Transparent      int
	TransparentHosts []string
	// Blocked and Relayed list, sorted, the destinations of a sealed
	// build's connections that were refused, or relayed by an allow rule
	// ("tcp/ssh github.com:22").
	Blocked, Relayed []string
	// Truncated is true when the capture log ended early (no trailer, or
	// damage); the figures cover what was read.
	Truncated bool
}

// figures computes the request figures of a Summary, observation by
// observation.
type figures struct {
	s     *Summary
	hosts map[string]bool
	seen  uniques
}

func newFigures(s *Summary) *figures {
	return &figures{s: s, hosts: make(map[string]bool), seen: uniques{}}
}

// add counts one observation.
func (fg *figures) add(o *observe.Observation) {
	s, x := fg.s, o.Exchange
	fg.hosts[x.Host] = true
	s.Bytes += x.Bytes
	if o.Tunnel() && x.Status == 0 {
		if strings.HasPrefix(x.Error, "TLS handshake") {
			// (Other failed tunnels, such as a client that spoke
			// another protocol, are in the warnings.)
			fg.seen.add(&s.FailedTunnels, x.Host)
		}
		return
	}
	s.Requests++
	if x.Transparent {
		s.Transparent++
		fg.seen.add(&s.TransparentHosts, x.Host)
	}
	switch {
	case expectedMiss(x):
		s.ExpectedMisses++
	case failed(x):
		s.Failures++
	}
	if o.Unclassified() {
		s.UnclassifiedCalls++
		fg.seen.add(&s.UnclassifiedHosts, x.Host)
	}
}

// finish counts the hosts and sorts the lists.
func (fg *figures) finish() {
	s := fg.s
	s.Hosts = len(fg.hosts)
	slices.Sort(s.FailedTunnels)
	slices.Sort(s.UnclassifiedHosts)
	slices.Sort(s.TransparentHosts)
}

// connectionFigures lists a sealed build's blocked and relayed
// destinations, one per action, protocol and destination, in the order
// the SBOM's services give them.
func connectionFigures(conns []capture.Connection, s *Summary) {
	seen := map[string]bool{}
	type dest struct{ action, label, sortKey string }
	var dests []dest
	for _, c := range conns {
		target := c.Target()
		k := c.Action + " " + c.Protocol + " " + target
		if seen[k] {
			continue
		}
		seen[k] = true
		dests = append(dests, dest{action: c.Action, label: c.Protocol + " " + target, sortKey: c.Action + " " + target + " " + c.Protocol})
	}
	slices.SortFunc(dests, func(a, b dest) int { return strings.Compare(a.sortKey, b.sortKey) })
	for _, d := range dests {
		switch d.action {
		case capture.ConnBlocked:
			s.Blocked = append(s.Blocked, d.label)
		case capture.ConnRelayed:
			s.Relayed = append(s.Relayed, d.label)
		}
	}
}

// expectedMiss reports whether a request is a probe that a client sends
// expecting it may miss, and it missed: the go command asks the module
// proxy for the versions of each prefix of a module path, and a 403, 404
// or 410 is its ordinary answer for prefixes that are no modules.
func expectedMiss(x *capture.Exchange) bool {
	if x.Error != "" || (x.Status != http.StatusForbidden && x.Status != http.StatusNotFound && x.Status != http.StatusGone) {
		return false
	}
	path := x.URL
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	return strings.HasSuffix(path, "/@v/list") || strings.HasSuffix(path, "/@latest") ||
		(strings.Contains(path, "/@v/") && strings.HasSuffix(path, ".info"))
}

// failed reports whether a request got no response, an error status or a
// body that did not arrive whole.
func failed(x *capture.Exchange) bool {
	if x.Status == 0 || x.Status >= 400 || x.Error != "" {
		return true
	}
	return !x.Complete && x.Method != http.MethodHead
}

// refusalWarnings names, per host, the requests a client in the build could
// not make because it did not send depaudit's proxy credential.
func refusalWarnings(refused map[string]int) []string {
	out := make([]string, 0, len(refused))
	for _, h := range slices.Sorted(maps.Keys(refused)) {
		out = append(out, fmt.Sprintf("%d request(s) to %s refused: the client did not send depaudit's proxy credential and never reached %s (a tool with its own proxy settings?)", refused[h], h, h))
	}
	return out
}

// classifyWarning reports an exchange a classifier failed on ("" when
// none did): the exchange is kept with what the other classifiers made
// of it.
func classifyWarning(o *observe.Observation) string {
	if e := o.Finding.Error; e != "" {
		return "classifier failure (the request is kept as " + string(o.Finding.Kind) + "): " + e
	}
	return ""
}

// tunnelFailures counts, per host and error, the CONNECT tunnels that
// ended in an error (a failed TLS handshake with the client, or a tunnel
// the proxy refused).
type tunnelFailures struct {
	order []*tunnelFailure
	byKey map[[2]string]*tunnelFailure
}

type tunnelFailure struct {
	host, err string
	n         int
}

// add counts one observation.
func (t *tunnelFailures) add(o *observe.Observation) {
	x := o.Exchange
	if !o.Tunnel() || x.Error == "" {
		return
	}
	k := [2]string{x.Host, x.Error}
	f := t.byKey[k]
	if f == nil {
		if t.byKey == nil {
			t.byKey = make(map[[2]string]*tunnelFailure)
		}
		f = &tunnelFailure{host: x.Host, err: x.Error}
		t.byKey[k] = f
		t.order = append(t.order, f)
	}
	f.n++
}

// warnings are one warning per host and error, in the order first seen.
func (t *tunnelFailures) warnings() []string {
	out := make([]string, 0, len(t.order))
	for _, f := range t.order {
		times := "once"
		if f.n > 1 {
			times = fmt.Sprintf("%d times", f.n)
		}
		out = append(out, fmt.Sprintf("CONNECT to %s failed (%s): %s", f.host, times, f.err))
	}
	return out
}
