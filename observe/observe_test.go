package observe

import (
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

func TestInherits(t *testing.T) {
	un := classify.Finding{Kind: classify.KindUnclassified}
	gen := classify.Finding{Kind: classify.KindArtifact, Ecosystem: "generic"}
	npm := classify.Finding{Kind: classify.KindArtifact, Ecosystem: "npm"}
	meta := classify.Finding{Kind: classify.KindMetadata, Ecosystem: "pypi"}
	for _, tc := range []struct {
		own, from classify.Finding
		want      bool
	}{
		{un, npm, true},
		{un, gen, true},
		{un, meta, true},
		{gen, npm, true},
		{gen, gen, false},
		{npm, gen, false},
		{npm, npm, false},
		{meta, npm, false},
		{un, un, false},
		{gen, un, false},
	} {
		if got := Inherits(tc.own, tc.from); got != tc.want {
			t.Errorf("Inherits(%+v, %+v) = %v, want %v", tc.own, tc.from, got, tc.want)
		}
	}
}

// TestAttributeRefusals leaves out the proxy's credential challenges and
// returns the refusals of hosts the client never reached.
func TestAttributeRefusals(t *testing.T) {
	refused := func(id int64, host string) capture.Exchange {
		return capture.Exchange{ID: id, Method: "CONNECT", URL: "https://" + host + "/", Host: host, Status: 407, Error: capture.ErrProxyAuthRequired, Outcome: capture.OutcomeProxyAuthRequired}
	}
	xs := []capture.Exchange{
		refused(1, "retried.example"),
		{ID: 2, Method: "GET", URL: "https://retried.example/x", Host: "retried.example", Status: 200},
		refused(3, "never.example"),
	}
	obs, out := Attribute(xs, classify.Default())
	if len(obs) != 1 || obs[0].Exchange.ID != 2 {
		t.Errorf("observations %+v, want only exchange 2", obs)
	}
	if len(out) != 1 || out[0].Host != "never.example" {
		t.Errorf("refused %+v, want never.example", out)
	}
}

// TestAttributeOrder classifies in the order exchanges started, whatever
// the order of the log: a redirect recorded after its target still counts.
func TestAttributeOrder(t *testing.T) {
	const (
		release = "https://github.com/o/r/releases/download/v1/tool.tgz"
		cdn     = "https://objects.githubusercontent.com/x/y?sig=1"
	)
	xs := []capture.Exchange{
		{ID: 2, Method: "GET", URL: cdn, Host: "objects.githubusercontent.com", Status: 200},
		{ID: 1, Method: "GET", URL: release, Host: "github.com", Status: 302, Location: cdn},
	}
	obs, _ := Attribute(xs, classify.Default())
	if len(obs) != 2 || obs[0].Exchange.ID != 1 || obs[1].Exchange.ID != 2 {
		t.Fatalf("order %+v", obs)
	}
	if obs[1].Finding.Ecosystem != classify.EcosystemGitHub || obs[1].RedirectedFrom != release || obs[1].Finding.URL != cdn {
		t.Errorf("CDN download %+v, want the release's finding with its own URL", obs[1])
	}
}
