package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/observe"
)

const (
	evilPackument = "https://registry.npmjs.org/evil-pkg"
	evilTarball   = "https://registry.npmjs.org/evil-pkg/-/evil-pkg-1.0.0.tgz"
	helloTarball  = "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"
	releaseAsset  = "https://github.com/example/tool/releases/download/v1.2.3/tool-linux-amd64.tar.gz"
	assetObject   = "https://objects.githubusercontent.com/github-production-release-asset-2e65be/700000001/5d9c?X-Amz-Signature=REDACTED"
	telemetry     = "https://telemetry.example/v1/events"
)

// testLog is a build that fetched an evil package (once refused by the
// gate), a GitHub release asset through its CDN and called a telemetry API.
func testLog() *capture.Log {
	start := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	var xs []capture.Exchange
	add := func(method, u string, status int, body string, mod func(*capture.Exchange)) {
		x := exchange(method, u)
		x.ID = int64(len(xs) + 1)
		x.Start = start.Add(time.Duration(x.ID) * time.Second)
		x.Status = status
		x.ContentLength = int64(len(body))
		x.Bytes = int64(len(body))
		x.Complete = true
		x.SHA256 = fmt.Sprintf("%064x", len(xs)+1)
		if mod != nil {
			mod(x)
		}
		xs = append(xs, *x)
	}
	add("CONNECT", "https://registry.npmjs.org:443", 407, "", func(x *capture.Exchange) {
		x.Error = capture.ErrProxyAuthRequired
		x.Outcome = capture.OutcomeProxyAuthRequired
		x.SHA256 = ""
	})
	add("GET", evilPackument, 200, "{}", func(x *capture.Exchange) { x.ContentType = "application/json" })
	add("GET", evilTarball, 200, "tgz", nil)
	add("GET", evilTarball, 200, "tgz", func(x *capture.Exchange) { x.SHA256 = fmt.Sprintf("%064x", 3) })
	add("GET", evilTarball, 403, "", func(x *capture.Exchange) {
		x.Outcome = capture.OutcomeDenied
		x.Error = "denied by policy: " + `rule policy.deny.purls[0] "pkg:npm/evil-*" matches pkg:npm/evil-pkg@1.0.0`
		x.Complete = false
		x.SHA256 = ""
	})
	add("GET", helloTarball, 200, "tgz2", nil)
	add("GET", releaseAsset, 302, "", func(x *capture.Exchange) { x.Location = assetObject; x.SHA256 = "" })
	add("GET", assetObject, 200, "asset", func(x *capture.Exchange) { x.ContentType = "application/octet-stream" })
	add("POST", telemetry, 200, "ok", nil)
	add("POST", telemetry, 200, "ok", nil)
	return &capture.Log{
		Header:    capture.Header{Record: capture.RecordHeader, Format: capture.LogFormat, Version: "test", Start: start, Command: []string{"npm", "ci"}},
		Exchanges: xs,
		Trailer:   &capture.Trailer{Record: capture.RecordTrailer, End: start.Add(time.Minute)},
	}
}

// observed is the Input of a build that recorded l, its exchanges
// attributed with r's classifiers.
func observed(r *Rules, l *capture.Log, changes []HashChange) Input {
	obs, _ := observe.Attribute(l.Exchanges, r.Classifier())
	return Input{Observations: obs, HashChanges: changes}
}

func TestEvaluate(t *testing.T) {
	r := mustParse(t, `
policy:
  deny:
    purls: ["pkg:npm/evil-*"]
  unclassified: warn
  generic_downloads: deny
`)
	vs := r.Evaluate(observed(r, testLog(), nil))
	var got []string
	for _, v := range vs {
		got = append(got, fmt.Sprintf("%s %s %s %d/%d %s", v.Level, v.Rule, v.Subject, v.Requests, v.Blocked, strings.Join(v.URLs, ",")))
	}
	want := []string{
		"deny policy.deny.purls[0] pkg:npm/evil-pkg 1/0 " + evilPackument,
		"deny policy.deny.purls[0] pkg:npm/evil-pkg@1.0.0 3/1 " + evilTarball,
		"warn policy.unclassified telemetry.example 2/0 " + telemetry,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("violations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(vs) > 1 && vs[1].String() != `deny: rule policy.deny.purls[0] "pkg:npm/evil-*" matches pkg:npm/evil-pkg@1.0.0 (3 requests, 1 refused)` {
		t.Errorf("String() = %q", vs[1].String())
	}
}

func TestEvaluateAllowLists(t *testing.T) {
	r := mustParse(t, "policy: {allow: {hosts: [registry.npmjs.org, github.com]}}\n")
	vs := r.Evaluate(observed(r, testLog(), nil))
	var subjects []string
	for _, v := range vs {
		if v.Rule != "policy.allow.hosts" || v.Level != Deny {
			t.Errorf("unexpected violation %+v", v)
		}
		subjects = append(subjects, v.Subject)
	}
	// The CDN the release redirected to is a host too: allow lists judge
	// where the build went.
	if strings.Join(subjects, " ") != "objects.githubusercontent.com telemetry.example" {
		t.Errorf("subjects %q", subjects)
	}
}

func TestEvaluateNothing(t *testing.T) {
	r := mustParse(t, "registries: [{url: https://npm.corp.example/npm/, ecosystem: npm}]\n")
	if vs := r.Evaluate(observed(r, testLog(), nil)); len(vs) != 0 {
		t.Errorf("a rules file without policy reports %+v", vs)
	}
	if r.HasPolicy() {
		t.Error("HasPolicy without policy")
	}
}

func TestEvaluateHashChanged(t *testing.T) {
	changes := []HashChange{
		{Key: "pkg:npm/hello-lib", PURL: "pkg:npm/hello-lib@1.2.0", Version: "1.2.0", NewURLs: []string{helloTarball}},
		{Key: "pkg:maven/org.x/y", PURL: "pkg:maven/org.x/y@1.0-SNAPSHOT", Version: "1.0-SNAPSHOT", Mutable: true},
	}
	for _, action := range []Action{Allow, Warn, Deny} {
		r := mustParse(t, "policy: {hash_changed: "+string(action)+"}\n")
		vs := r.Evaluate(observed(r, testLog(), changes))
		if action == Allow {
			if len(vs) != 0 {
				t.Errorf("allow: %+v", vs)
			}
			continue
		}
		if len(vs) != 2 {
			t.Fatalf("%s: %+v", action, vs)
		}
		byPURL := map[string]Violation{}
		for _, v := range vs {
			byPURL[v.Subject] = v
		}
		hello := byPURL["pkg:npm/hello-lib@1.2.0"]
		if hello.Level != action || hello.Rule != "policy.hash_changed" || len(hello.URLs) != 1 || hello.Requests != 0 {
			t.Errorf("%s: hello-lib %+v", action, hello)
		}
		if snap := byPURL["pkg:maven/org.x/y@1.0-SNAPSHOT"]; snap.Level != Warn || !strings.Contains(snap.Reason, "mutable") {
			t.Errorf("%s: snapshot %+v", action, snap)
		}
	}
}

func TestEvaluateMismatch(t *testing.T) {
	ms := []Mismatch{{Subject: "pkg:npm/hello-lib@1.2.0", URLs: []string{helloTarball}}}
	for _, c := range []struct {
		file  string
		level Action
	}{
		{"registries: [{url: https://npm.corp.example/npm/, ecosystem: npm}]\n", Deny},
		{"policy: {mismatch: warn}\n", Warn},
		{"policy: {mismatch: allow}\n", ""},
	} {
		r := mustParse(t, c.file)
		vs := r.Evaluate(Input{Mismatches: ms})
		if c.level == "" {
			if len(vs) != 0 {
				t.Errorf("%q: %+v", c.file, vs)
			}
			continue
		}
		if len(vs) != 1 || vs[0].Level != c.level || vs[0].Rule != "policy.mismatch" || vs[0].Subject != ms[0].Subject ||
			len(vs[0].URLs) != 1 || !strings.Contains(vs[0].Reason, "does not match the digest") {
			t.Errorf("%q: %+v", c.file, vs)
		}
	}
}
