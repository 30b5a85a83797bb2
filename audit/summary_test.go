package audit

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// A tunnel whose client spoke another protocol than TLS is no failed TLS
// handshake: it is named in the warnings, not among the failed tunnels.
func TestOtherProtocolTunnelIsNoFailedHandshake(t *testing.T) {
	l := &capture.Log{Exchanges: []capture.Exchange{
		{ID: 1, Method: "CONNECT", URL: "https://git.example/", Host: "git.example", ContentLength: -1,
			Error: "the client sent an SSH banner, not TLS, through the tunnel: closed, nothing of it seen"},
		{ID: 2, Method: "CONNECT", URL: "https://pinned.example/", Host: "pinned.example", ContentLength: -1,
			Error: "TLS handshake with the client failed (remote error: tls: unknown certificate authority)"},
	}}
	r, err := Analyze(context.Background(), l, Config{Classifier: classify.Default()})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.Summary.FailedTunnels, []string{"pinned.example"}) {
		t.Errorf("failed tunnels %v", r.Summary.FailedTunnels)
	}
	if !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.Contains(w, "SSH banner") }) {
		t.Errorf("warnings %q", r.Warnings)
	}
}
