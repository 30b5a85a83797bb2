package sbom

import (
	"net/http"
	"slices"
)

// Summary is the figures of one build that the CLI prints at the end.
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
	// FailedDownloads counts artifact downloads left out of the SBOM
	// because they failed, were cut short or carried no usable hash.
	FailedDownloads int
	// Components counts the SBOM's components.
	Components int
	// Packages counts the components per ecosystem.
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

// summarize computes the request figures of s from the observations.
func summarize(obs []observation, s *Summary) {
	hosts := make(map[string]bool)
	for i := range obs {
		o := &obs[i]
		hosts[o.x.Host] = true
		s.Bytes += o.x.Bytes
		if o.tunnel() && o.x.Status == 0 {
			if o.x.Error != "" {
				s.FailedTunnels = appendUnique(s.FailedTunnels, o.x.Host)
			}
			continue
		}
		s.Requests++
		if o.x.Transparent {
			s.Transparent++
			s.TransparentHosts = appendUnique(s.TransparentHosts, o.x.Host)
		}
		if failed(o) {
			s.Failures++
		}
		if o.unclassified() {
			s.UnclassifiedCalls++
			s.UnclassifiedHosts = appendUnique(s.UnclassifiedHosts, o.x.Host)
		}
	}
	s.Hosts = len(hosts)
	slices.Sort(s.FailedTunnels)
	slices.Sort(s.UnclassifiedHosts)
	slices.Sort(s.TransparentHosts)
}

// failed reports whether a request got no response, an error status or a
// body that did not arrive whole.
func failed(o *observation) bool {
	x := o.x
	if x.Status == 0 || x.Status >= 400 || x.Error != "" {
		return true
	}
	return !x.Complete && x.Method != http.MethodHead
}
