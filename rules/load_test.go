package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/classify"
)

const testdata = "../testdata/rules"

func TestLoadExample(t *testing.T) {
	r, err := Load(filepath.Join(testdata, "example.depaudit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Mode() != ModeAudit {
		t.Errorf("mode %q", r.Mode())
	}
	regs := r.Registries()
	if len(regs) != 4 || regs[0].Ecosystem != "npm" || regs[2].URL != "https://artifactory.corp.example/api/go/go" {
		t.Errorf("registries %+v", regs)
	}
	p := r.policy
	if len(p.allow.hosts) != 3 || len(p.allow.ecosystems) != 4 || len(p.deny.hosts) != 1 || len(p.deny.purls) != 2 {
		t.Errorf("policy lists %+v", p)
	}
	if p.deny.purls[1].rule != "policy.deny.purls[1]" || p.deny.purls[1].written != "pkg:npm/@attacker/*" {
		t.Errorf("deny.purls[1] = %+v", p.deny.purls[1])
	}
	if p.unclassified != Warn || p.generic != Warn || p.hashChanged != Deny || !r.HasPolicy() {
		t.Errorf("actions %+v", p)
	}
	if r.Gate() != nil {
		t.Error("audit mode has a gate")
	}
}

func TestInvalidFiles(t *testing.T) {
	for _, tc := range []struct {
		file      string
		line, col int
		msg       string
	}{
		{"unknown-key.yaml", 4, 5, `unknown key "purl" in policy.deny (known keys: hosts, ecosystems, purls)`},
		{"bad-mode.yaml", 2, 7, `mode must be audit or enforce, not "block"`},
		{"bad-ecosystem.yaml", 5, 16, `registries[1].ecosystem must be one of npm, pypi, golang, maven, cargo, deb, oci, rpm, apk, gem, composer, nuget, conda, not "cobol"`},
		{"bad-purl.yaml", 5, 9, `policy.deny.purls[1]: purl pattern "npm/evil-*" must start with "pkg:"`},
		{"bad-host.yaml", 4, 9, `policy.allow.hosts[0]: host pattern "https://npm.corp.example/" must be a host name`},
		{"bad-action.yaml", 2, 17, `policy.unclassified must be allow, warn or deny, not "block"`},
		{"not-a-list.yaml", 3, 12, `policy.deny.hosts must be a list, such as ["*.corp.example"], not "*.pastebin.com"`},
		{"syntax.yaml", 4, 0, `not valid YAML: did not find expected ',' or ']'`},
		{"tab.yaml", 3, 0, "not valid YAML: found character that cannot start any token"},
		{"bad-indent.yaml", 2, 0, "not valid YAML: did not find expected key in the mapping that starts on this line"},
		{"missing-url.yaml", 2, 5, `registries[0] needs a url`},
		{"duplicate-key.yaml", 4, 1, `the rules file: key "mode" already given at line 1`},
		{"two-documents.yaml", 3, 1, "a second YAML document: a rules file holds one document"},
		{"bad-url.yaml", 2, 10, `registries[0].url: npm: registry base URL "ftp://mirror.corp.example/npm/": scheme must be http or https`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(testdata, "invalid", tc.file)
			_, err := Load(path)
			if err == nil {
				t.Fatal("loaded an invalid file")
			}
			var re *Error
			if !errors.As(err, &re) {
				t.Fatalf("error %T %v is not a *rules.Error", err, err)
			}
			if re.File != path || re.Line != tc.line || (tc.col != 0 && re.Column != tc.col) {
				t.Errorf("error at %s:%d:%d, want %s:%d:%d (%v)", re.File, re.Line, re.Column, path, tc.line, tc.col, err)
			}
			if !strings.Contains(re.Msg, tc.msg) {
				t.Errorf("message %q does not say %q", re.Msg, tc.msg)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if !strings.HasPrefix(err.Error(), path+":") {
				t.Errorf("error does not start with the file name: %q", err)
			}
		})
	}
}

func TestParseEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		ok        bool
		msg       string
	}{
		{"empty", "", true, ""},
		{"comments only", "# nothing yet\n", true, ""},
		{"empty lists", "policy:\n  deny:\n    hosts:\n", true, ""},
		{"schemeless registry", "registries:\n  - {url: npm.corp.example/api/npm/npm-remote/, ecosystem: npm}\n", true, ""},
		{"alias", "x: &h [\"a.example\"]\n", false, `unknown key "x"`},
		{"root list", "- mode\n", false, "the rules file must be a mapping"},
		{"number mode", "mode: 1\n", false, `mode must be a string, not "1" (quote it)`},
		{"generic ecosystem", "policy:\n  allow:\n    ecosystems: [generic]\n", false, "governed by policy.generic_downloads"},
		{"unknown policy ecosystem", "policy:\n  deny:\n    ecosystems: [rubygems]\n", false, `must be one of npm, pypi, golang, maven, cargo, github, gem, composer, nuget, conda, toolchain, huggingface, pub, hex, cran, cocoapods, deb, oci, rpm, apk, helm, git, not "rubygems"`},
		{"duplicate registry", "registries:\n  - {url: https://a.example/npm/, ecosystem: npm}\n  - {url: https://a.example/npm, ecosystem: npm}\n", false, "already given at line 2"},
		{"registry without ecosystem", "registries:\n  - url: https://a.example/npm/\n", false, "needs an ecosystem"},
		{"purl pattern without name", "policy:\n  deny:\n    purls: [\"pkg:npm\"]\n", false, "needs a type and a name"},
		{"host with port", "policy:\n  deny:\n    hosts: [\"a.example:8443\"]\n", true, ""},
		{"host with bad port", "policy:\n  deny:\n    hosts: [\"a.example:x\"]\n", false, "bad port"},
		{"two documents", "mode: enforce\n---\npolicy: {deny: {purls: [\"pkg:npm/evil-*\"]}}\n", false, "rules.yaml:3:1: a second YAML document"},
		{"an empty second document", "mode: enforce\n---\n", false, "a second YAML document"},
		{"document end marker", "mode: enforce\n...\n", true, ""},
		{"empty mode", "mode:\n", false, "mode must be a string, not empty"},
		{"empty policy", "policy:\n", false, "policy must be a mapping with the keys allow, deny, unclassified, generic_downloads, hash_changed, bypass, mismatch, not empty"},
		{"empty action", "policy:\n  unclassified:\n", false, "policy.unclassified must be a string, not empty"},
		{"empty registry url", "registries:\n  - {url: , ecosystem: npm}\n", false, "registries[0].url must be a string, not empty"},
		{"bad list item", "policy:\n  deny:\n    purls: [\"pkg:npm/a\", [1]]\n", false, "policy.deny.purls[1] must be a string, not a list"},
		{"key not a word", "policy:\n  ? [a]\n  : x\n", false, "policy: keys must be plain words"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Parse("rules.yaml", []byte(tc.src))
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				if r.Classifier() == nil {
					t.Error("no classifier")
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v, want one saying %q", err, tc.msg)
			}
		})
	}
}

func TestLoadDefault(t *testing.T) {
	dir := t.TempDir()
	r, err := LoadDefault(dir)
	if r != nil || err != nil {
		t.Fatalf("no file: %v %v", r, err)
	}
	if err := os.WriteFile(filepath.Join(dir, DefaultFile), []byte("mode: enforce\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err = LoadDefault(dir)
	if err != nil || r == nil || r.Mode() != ModeEnforce || r.Path() != filepath.Join(dir, DefaultFile) {
		t.Fatalf("LoadDefault = %v, %v", r, err)
	}
	if err := os.WriteFile(filepath.Join(dir, DefaultFile), []byte("mode: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadDefault(dir); err == nil || !strings.Contains(err.Error(), DefaultFile+":1:7:") {
		t.Fatalf("invalid default file: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestRegistriesClassify(t *testing.T) {
	r, err := Load(filepath.Join(testdata, "example.depaudit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	set := r.Classifier()
	for _, tc := range []struct{ url, kind, eco, purl string }{
		{"https://npm.corp.example/api/npm/npm-remote/hello-lib/-/hello-lib-1.2.0.tgz", "artifact", "npm",
			"pkg:npm/hello-lib@1.2.0?repository_url=https:%2F%2Fnpm.corp.example%2Fapi%2Fnpm%2Fnpm-remote"},
		{"https://npm.corp.example/api/npm/npm-remote/@fixture%2fscoped", "metadata", "npm",
			"pkg:npm/%40fixture/scoped?repository_url=https:%2F%2Fnpm.corp.example%2Fapi%2Fnpm%2Fnpm-remote"},
		{"https://nexus.corp.example/repository/pypi-proxy/packages/ab/cd/ef/tiny_wheel-1.0.0-py3-none-any.whl", "artifact", "pypi",
			"pkg:pypi/tiny-wheel@1.0.0?file_name=tiny_wheel-1.0.0-py3-none-any.whl&repository_url=https:%2F%2Fnexus.corp.example%2Frepository%2Fpypi-proxy"},
		{"https://artifactory.corp.example/api/go/go/github.com/!example/!upper/@v/v1.0.0.zip", "artifact", "golang",
			"pkg:golang/github.com/Example/Upper@v1.0.0?repository_url=https:%2F%2Fartifactory.corp.example%2Fapi%2Fgo%2Fgo"},
		{"https://nexus.corp.example/repository/maven-public/org/example/fixture/fixture-lib/1.0.0/fixture-lib-1.0.0.jar", "artifact", "maven",
			"pkg:maven/org.example.fixture/fixture-lib@1.0.0?repository_url=https:%2F%2Fnexus.corp.example%2Frepository%2Fmaven-public"},
		// The built-in public registries stay.
		{"https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz", "artifact", "npm", "pkg:npm/hello-lib@1.2.0"},
	} {
		f := set.Classify(classify.Request{URL: tc.url})
		if string(f.Kind) != tc.kind || f.Ecosystem != tc.eco || f.PURL != tc.purl {
			t.Errorf("%s:\n got %s %s %s\nwant %s %s %s", tc.url, f.Kind, f.Ecosystem, f.PURL, tc.kind, tc.eco, tc.purl)
		}
	}
	// Without the rules, the private registry's tarballs are recognised by
	// their layout alone (so that policy applies to them), its packuments
	// are not.
	if f := classify.Default().Classify(classify.Request{URL: "https://npm.corp.example/api/npm/npm-remote/@fixture%2fscoped"}); f.Ecosystem == "npm" {
		t.Errorf("the default classifiers already know the private registry: %+v", f)
	}
}

func TestLoadSealed(t *testing.T) {
	r, err := Load(filepath.Join(testdata, "sealed.depaudit.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !r.Sealed() || len(r.SealedAllow()) != 2 || r.SealedAllow()[1] != "tcp://10.0.0.5:5432" || r.Bypass() != Deny || !r.HasPolicy() {
		t.Errorf("sealed %v, allow %q, bypass %q", r.Sealed(), r.SealedAllow(), r.Bypass())
	}
	for _, tc := range []struct{ text, msg string }{
		{"sealed: yes\n", `sealed must be true or false, not "yes"`},
		{"sealed_allow: [github.com:22]\n", `sealed_allow[0] must be SCHEME://HOST:PORT`},
		{"policy:\n  bypass: block\n", `policy.bypass must be allow, warn or deny, not "block"`},
	} {
		if _, err := Parse("r.yaml", []byte(tc.text)); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Parse(%q) = %v, want %q", tc.text, err, tc.msg)
		}
	}
}

func TestLoadHashes(t *testing.T) {
	r, err := Parse("r.yaml", []byte("hashes: [sha256, sha512]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Hashes(); len(got) != 2 || got[1] != "sha512" {
		t.Errorf("hashes %q", got)
	}
	if r, err := Parse("r.yaml", []byte("mode: audit\n")); err != nil || r.Hashes() != nil {
		t.Errorf("no hashes: %q, %v", r.Hashes(), err)
	}
	for _, tc := range []struct{ text, msg string }{
		{"hashes: [md5]\n", `hashes[0] must be one of sha256, sha512, sha1, not "md5"`},
		{"hashes: sha512\n", `hashes must be a list`},
	} {
		if _, err := Parse("r.yaml", []byte(tc.text)); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Parse(%q) = %v, want %q", tc.text, err, tc.msg)
		}
	}
}
