package rules

import (
	"net/url"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

func mustParse(t *testing.T, src string) *Rules {
	t.Helper()
	r, err := Parse("rules.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func exchange(method, rawURL string) *capture.Exchange {
	u, _ := url.Parse(rawURL)
	return &capture.Exchange{Method: method, URL: rawURL, Host: u.Host}
}

// denial asks the gate of r about one GET.
func denial(t *testing.T, r *Rules, rawURL string) string {
	t.Helper()
	g := r.Gate()
	if g == nil {
		t.Fatal("no gate")
	}
	return g(exchange("GET", rawURL))
}

func TestGateRuleKinds(t *testing.T) {
	const (
		npmTarball    = "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"
		evilTarball   = "https://registry.npmjs.org/evil-pkg/-/evil-pkg-1.0.0.tgz"
		evilPackument = "https://registry.npmjs.org/evil-pkg"
		crate         = "https://static.crates.io/crates/serde/1.0.217/download"
		privateNPM    = "https://npm.corp.example/api/npm/npm-remote/hello-lib/-/hello-lib-1.2.0.tgz"
		api           = "https://telemetry.example/v1/events"
		installer     = "https://downloads.example-tools.test/tool-1.4.0-linux-amd64.tar.gz"
	)
	for _, tc := range []struct {
		name, rules string
		url         string
		want        string // "" for allowed, else a substring of the denial
	}{
		{"deny host", "policy: {deny: {hosts: ['*.npmjs.org']}}", npmTarball, `rule policy.deny.hosts[0] "*.npmjs.org" matches host registry.npmjs.org`},
		{"deny host, other host", "policy: {deny: {hosts: ['*.npmjs.org']}}", crate, ""},
		{"allow hosts", "policy: {allow: {hosts: ['*.corp.example']}}", npmTarball, "rule policy.allow.hosts: host registry.npmjs.org is not in the list"},
		{"allow hosts, allowed", "policy: {allow: {hosts: ['*.corp.example']}}", privateNPM, ""},
		{"deny ecosystem", "policy: {deny: {ecosystems: [cargo]}}", crate, `rule policy.deny.ecosystems[0] "cargo" matches ecosystem cargo`},
		{"deny ecosystem, other", "policy: {deny: {ecosystems: [cargo]}}", npmTarball, ""},
		{"allow ecosystems, OS packages and charts", "policy: {allow: {ecosystems: [cargo, deb, helm]}}", crate, ""},
		{"allow ecosystems", "policy: {allow: {ecosystems: [npm]}}", crate, "rule policy.allow.ecosystems: ecosystem cargo is not in the list"},
		{"allow ecosystems ignore unclassified", "policy: {allow: {ecosystems: [npm]}}", api, ""},
		{"deny purl tarball", "policy: {deny: {purls: ['pkg:npm/hello-dep', 'pkg:npm/evil-*']}}", evilTarball, `rule policy.deny.purls[1] "pkg:npm/evil-*" matches pkg:npm/evil-pkg@1.0.0`},
		{"deny purl packument", "policy: {deny: {purls: ['pkg:npm/evil-*']}}", evilPackument, `rule policy.deny.purls[0] "pkg:npm/evil-*" matches pkg:npm/evil-pkg`},
		{"deny purl, other", "policy: {deny: {purls: ['pkg:npm/evil-*']}}", npmTarball, ""},
		{"allow purls", "policy: {allow: {purls: ['pkg:npm/hello-*']}}", evilTarball, "rule policy.allow.purls: pkg:npm/evil-pkg@1.0.0 is not in the list"},
		{"allow purls ignore purl-less", "policy: {allow: {purls: ['pkg:npm/hello-*']}}", api, ""},
		{"unclassified deny", "policy: {unclassified: deny}", api, `rule policy.unclassified "deny": telemetry.example is no known package registry`},
		{"unclassified warn", "policy: {unclassified: warn}", api, ""},
		{"unclassified ignores registries", "policy: {unclassified: deny}", npmTarball, ""},
		{"generic deny", "policy: {generic_downloads: deny}", installer, `rule policy.generic_downloads "deny": pkg:generic/tool@1.4.0?download_url=`},
		{"generic warn", "policy: {generic_downloads: warn}", installer, ""},
		{"deny before allow", "policy: {allow: {hosts: [x.example]}, deny: {purls: ['pkg:npm/evil-*']}}", evilTarball, "policy.deny.purls[0]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustParse(t, "mode: enforce\n"+tc.rules+"\n")
			got := denial(t, r, tc.url)
			if tc.want == "" {
				if got != "" {
					t.Errorf("denied %s: %s", tc.url, got)
				}
				return
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("denial of %s = %q, want %q", tc.url, got, tc.want)
			}
			// Audit mode never refuses, but Check reports the same rule.
			audit := mustParse(t, tc.rules+"\n")
			if audit.Gate() != nil {
				t.Error("audit mode has a gate")
			}
			ds := audit.Check(exchange("GET", tc.url).Host, audit.Classifier().Classify(classifyReq(tc.url)))
			if len(ds) == 0 || ds[0].Level != Deny || ds[0].Reason != got {
				t.Errorf("Check = %+v, want first %q", ds, got)
			}
		})
	}
}

func TestGatePrivateRegistry(t *testing.T) {
	r := mustParse(t, `
mode: enforce
registries:
  - {url: https://npm.corp.example/api/npm/npm-remote/, ecosystem: npm}
policy:
  deny:
    purls: ["pkg:npm/*?repository_url=https://registry.example/*", "pkg:npm/evil-*"]
`)
	if d := denial(t, r, "https://npm.corp.example/api/npm/npm-remote/evil-pkg/-/evil-pkg-1.0.0.tgz"); !strings.Contains(d, `policy.deny.purls[1] "pkg:npm/evil-*" matches pkg:npm/evil-pkg@1.0.0?repository_url=`) {
		t.Errorf("private registry denial %q", d)
	}
	if d := denial(t, r, "https://npm.corp.example/api/npm/npm-remote/hello-lib/-/hello-lib-1.2.0.tgz"); d != "" {
		t.Errorf("denied %q", d)
	}
}

func TestCheckWarnAfterDeny(t *testing.T) {
	r := mustParse(t, "policy: {allow: {hosts: [a.example]}, unclassified: warn}\n")
	ds := r.Check("b.example", r.Classifier().Classify(classifyReq("https://b.example/x")))
	if len(ds) != 2 || ds[0].Level != Deny || ds[0].Rule != "policy.allow.hosts" || ds[1].Level != Warn || ds[1].Rule != "policy.unclassified" {
		t.Fatalf("Check = %+v", ds)
	}
	if ds := r.Check("a.example:443", r.Classifier().Classify(classifyReq("https://a.example/x"))); len(ds) != 1 || ds[0].Rule != "policy.unclassified" || ds[0].Subject != "a.example" {
		t.Fatalf("Check on an allowed host = %+v", ds)
	}
}

// TestGateUnnamedRegistry: a private registry no rules entry names does not
// turn deny rules off: each ecosystem's artifact layout is recognised on
// any host, and the purl rules match it.
func TestGateUnnamedRegistry(t *testing.T) {
	r := mustParse(t, `
mode: enforce
policy:
  deny:
    purls: ["pkg:npm/evil-*", "pkg:pypi/evil-*", "pkg:golang/github.com/evil/*", "pkg:cargo/evil-*"]
`)
	for _, tc := range []struct{ url, want string }{
		{"https://npm.corp.example/evil-pkg/-/evil-pkg-1.0.0.tgz", `"pkg:npm/evil-*" matches pkg:npm/evil-pkg@1.0.0?repository_url=https:%2F%2Fnpm.corp.example`},
		{"https://pypi.corp.example/simple-files/evil_wheel-1.0-py3-none-any.whl", `"pkg:pypi/evil-*" matches pkg:pypi/evil-wheel@1.0`},
		{"https://pypi.corp.example/packages/ab/cd/0123abcd/evil-sdist-2.0.tar.gz", `"pkg:pypi/evil-*" matches pkg:pypi/evil-sdist@2.0`},
		{"https://goproxy.corp.example/github.com/evil/mod/@v/v1.0.0.zip", `"pkg:golang/github.com/evil/*" matches pkg:golang/github.com/evil/mod@v1.0.0`},
		{"https://cargo.corp.example/api/v1/crates/evil-crate/1.0.0/download", `"pkg:cargo/evil-*" matches pkg:cargo/evil-crate@1.0.0`},
		{"https://npm.corp.example/good/-/good-1.0.0.tgz", ""},
	} {
		d := denial(t, r, tc.url)
		if tc.want == "" && d != "" || tc.want != "" && !strings.Contains(d, tc.want) {
			t.Errorf("denial of %s = %q, want %q", tc.url, d, tc.want)
		}
	}
}
