package rules

import "testing"

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything/at@all", true},
		{"a*c", "abc", true},
		{"a*c", "ac", true},
		{"a*c", "abcd", false},
		{"*.corp.example", "npm.corp.example", true},
		{"*.corp.example", "a.b.corp.example", true},
		{"*.corp.example", "corp.example", false},
		{"*.corp.example", "evilcorp.example", false},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxbyy", false},
		{"exact", "exact", true},
		{"exact", "exacT", false},
	} {
		if got := glob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("glob(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func TestHostPattern(t *testing.T) {
	for _, tc := range []struct {
		pattern, host string
		want          bool
	}{
		{"*.corp.example", "npm.corp.example", true},
		{"*.corp.example", "NPM.Corp.Example", true},
		{"*.corp.example", "npm.corp.example:8443", true}, // no port in the pattern: any port
		{"*.corp.example", "corp.example", false},
		{"registry.npmjs.org", "registry.npmjs.org", true},
		{"registry.npmjs.org", "registry.npmjs.org.", true},
		{"registry.npmjs.org", "registry.yarnpkg.com", false},
		{"nexus.corp.example:8443", "nexus.corp.example:8443", true},
		{"nexus.corp.example:8443", "nexus.corp.example", false},
		{"127.0.0.1", "127.0.0.1:5000", true},
		{"[::1]", "[::1]:5000", true},
	} {
		hp, err := parseHostPattern(tc.pattern)
		if err != nil {
			t.Fatalf("%q: %v", tc.pattern, err)
		}
		if got := hp.match(tc.host); got != tc.want {
			t.Errorf("%q matches %q = %v", tc.pattern, tc.host, got)
		}
	}
	for _, bad := range []string{"", "https://a.example", "a.example/path", "user@a.example", "a b", "a.example:"} {
		if _, err := parseHostPattern(bad); err == nil {
			t.Errorf("host pattern %q accepted", bad)
		}
	}
}

func TestPURLPattern(t *testing.T) {
	for _, tc := range []struct {
		pattern, purl string
		want          bool
	}{
		{"pkg:npm/evil-*", "pkg:npm/evil-pkg@1.0.0", true},
		{"pkg:npm/evil-*", "pkg:npm/evil-pkg", true},
		{"pkg:npm/evil-*", "pkg:npm/not-evil@1.0.0", false},
		{"pkg:npm/left-pad", "pkg:npm/left-pad@1.3.0", true}, // no version: every version
		{"pkg:npm/left-pad@1.3.0", "pkg:npm/left-pad@1.3.0", true},
		{"pkg:npm/left-pad@1.3.0", "pkg:npm/left-pad@1.3.1", false},
		{"pkg:npm/left-pad", "pkg:npm/left-pad-extra@1.0.0", false},
		{"pkg:npm/@attacker/*", "pkg:npm/%40attacker/tool@2.0.0", true},
		{"pkg:npm/%40attacker/*", "pkg:npm/%40attacker/tool@2.0.0", true},
		{"pkg:npm/@attacker/*", "pkg:npm/%40friend/tool@2.0.0", false},
		{"PKG:NPM/evil-*", "pkg:npm/evil-x@1", true}, // the type is case-insensitive
		{"pkg:npm/*?repository_url=https://npm.corp.example/*", "pkg:npm/a@1?repository_url=https:%2F%2Fnpm.corp.example%2Fapi", true},
		{"pkg:npm/*?repository_url=https://npm.corp.example/*", "pkg:npm/a@1", false},
		{"pkg:golang/github.com/evil/*", "pkg:golang/github.com/evil/mod/v2@v2.0.0", true},
		{"pkg:maven/org.evil/*", "pkg:maven/org.evil/lib@1.0?type=pom", true},
		{"pkg:pypi/evil*", "pkg:pypi/evil-tools@1.0?file_name=evil_tools-1.0.tar.gz", true},
		{"pkg:*/evil*", "pkg:cargo/evil-crate@0.1.0", true},
	} {
		pp, err := parsePURLPattern(tc.pattern)
		if err != nil {
			t.Fatalf("%q: %v", tc.pattern, err)
		}
		if got := pp.match(tc.purl); got != tc.want {
			t.Errorf("%q matches %q = %v (forms %q)", tc.pattern, tc.purl, got, purlForms(tc.purl))
		}
	}
}
