package version

import (
	"fmt"
	"testing"
)

// ascending checks that every version of list sorts strictly before every
// later one, in both argument orders.
func ascending(t *testing.T, eco string, list []string) {
	t.Helper()
	for i := range list {
		for j := i + 1; j < len(list); j++ {
			if c, ok := Compare(eco, list[i], list[j]); !ok || c != -1 {
				t.Errorf("%s: Compare(%q, %q) = %d, %v; want -1, true", eco, list[i], list[j], c, ok)
			}
			if c, ok := Compare(eco, list[j], list[i]); !ok || c != 1 {
				t.Errorf("%s: Compare(%q, %q) = %d, %v; want 1, true", eco, list[j], list[i], c, ok)
			}
		}
	}
}

// equivalent checks that all versions of list compare equal to each other.
func equivalent(t *testing.T, eco string, list []string) {
	t.Helper()
	for i := range list {
		for j := range list {
			if c, ok := Compare(eco, list[i], list[j]); !ok || c != 0 {
				t.Errorf("%s: Compare(%q, %q) = %d, %v; want 0, true", eco, list[i], list[j], c, ok)
			}
		}
	}
}

func TestCompareOrders(t *testing.T) {
	tests := []struct {
		eco  string
		list []string // strictly ascending
	}{
		{"npm", []string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.2.9", "1.10.0", "2.0.0"}},
		{"npm", []string{"0.0.9", "0.1.0", "1.2.3-0", "1.2.3", "v1.2.4", "=1.2.5"}},
		{"cargo", []string{"0.9.0", "1.0.0-alpha", "1.0.0", "1.2.9", "1.10.0", "1.10.1-rc.1", "1.10.1"}},
		{"golang", []string{
			"v0.0.0-20190101000000-abcdef123456",
			"v0.0.0-20200101000000-abcdef123456",
			"v0.1.0",
			"v1.2.3",
			"v1.2.4-0.20200101000000-abcdef123456",
			"v1.2.4",
			"v1.10.0",
			"v2.0.0+incompatible",
			"v2.0.1+incompatible",
		}},
		{"go", []string{"v1.2.3-pre", "v1.2.3", "1.2.4"}},
		{"pypi", []string{
			"0.9", "1.0.dev1", "1.0a1", "1.0a2.dev1", "1.0a2", "1.0b1", "1.0rc1", "1.0",
			"1.0+local.1", "1.0+local.2", "1.0+local.10", "1.0.post1.dev1", "1.0.post1", "1.0.1", "1.1", "1.10", "1!0.1",
		}},
		{"pypi", []string{"1.0+abc", "1.0+1"}}, // numeric local segments sort after alphanumeric ones
		// Maven's own ComparableVersionTest lists.
		{"maven", []string{
			"1-alpha2snapshot", "1-alpha2", "1-alpha-123", "1-beta-2", "1-beta123", "1-m2", "1-m11", "1-rc", "1-cr2",
			"1-rc123", "1-SNAPSHOT", "1", "1-sp", "1-sp2", "1-sp123", "1-abc", "1-def", "1-pom-1", "1-1-snapshot",
			"1-1", "1-2", "1-123",
		}},
		{"maven", []string{"1.0-alpha", "1.0-beta", "1.0-rc1", "1.0-SNAPSHOT", "1.0", "1.0.1", "1.1", "1.10"}},
		{"maven", []string{"1-1", "1.1"}},
		// Gem::Version: letters mark pre-releases.
		{"gem", []string{"", "0.9", "1.0.0.a", "1.0.0.alpha.2", "1.0.0.b", "1.0.0.beta1", "1.0.0.rc1", "1.0.0", "1.0.1", "1.2", "1.10", "13.1.0",
			"99999999999999999999999"}},
		{"composer", []string{"0.9.9", "1.0.0-dev", "1.0.0-alpha1", "1.0.0-alpha2", "1.0.0-beta1", "1.0.0-RC1", "1.0.0-RC2", "v1.0.0", "1.0.0-patch1", "1.0.1", "1.0.10", "1.1", "2.0.0.1", "10.0"}},
		{"nuget", []string{"0.9", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-Alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",
			"1.0.0", "1.0.0.1", "1.0.1", "1.2.9", "1.10.0", "13.0.3", "13.0.3.4"}},
		// conda's VersionOrder docstring.
		{"conda", []string{"0.4.1.rc", "0.4.1", "0.4.2", "1.1dev1", "1.1_", "1.1a1", "1.1.0dev1", "1.1.a1", "1.1.0rc1", "1.1.0",
			"1.1.0post1", "1.1post1", "1996.07.12", "1!0.4.1", "1!3.1.1.6", "2!0.4.1"}},
		{"pub", []string{"1.0.0-dev.1", "1.0.0", "1.2.0", "1.10.0"}},
		{"hex", []string{"0.1.0-rc.1", "0.1.0", "1.4.1"}},
		{"cran", []string{"0.9", "1.0", "1.0-0", "1.0.1", "1.0-9", "1.0-10", "1.8.8", "10.0"}},
		{"cocoapods", []string{"4.0.0-beta.1", "4.0.0", "5.9.0", "5.10.0"}},
		{"conda", []string{"1.0.1", "1.0.1+2", "1.0.1+10", "1.0.2", "1.26.4", "1.27.0", "99999999999999999999.0"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s", tt.eco, tt.list[0]), func(t *testing.T) {
			ascending(t, tt.eco, tt.list)
		})
	}
}

func TestCompareEquivalent(t *testing.T) {
	tests := []struct {
		eco  string
		list []string
	}{
		{"npm", []string{"1.0.0", "1.0.0+build.1", "1.0.0+build.2", "v1.0.0"}},
		{"cargo", []string{"1.2.3", "1.2.3+meta", "1.2.3+20240101"}},
		{"golang", []string{"v2.0.0", "v2.0.0+incompatible"}},
		{"pypi", []string{"1.0", "1.0.0", "1.0.0.0", "v1.0", "0!1.0"}},
		{"pypi", []string{"1.0rc1", "1.0c1", "1.0-rc.1", "1.0RC1", "1.0pre1", "1.0preview1"}},
		{"pypi", []string{"1.0.post1", "1.0-1", "1.0.rev1", "1.0r1", "1.0post1"}},
		{"maven", []string{"1", "1.0", "1.0.0", "1-0", "1.0-0", "1.RELEASE", "1.0.0.RELEASE", "1-ga", "1.0.final", "1.0-FINAL", "1.0-GA"}},
		{"maven", []string{"1-cr1", "1-rc1", "1-RC-1"}},
		{"maven", []string{"1a1", "1-a1", "1-alpha-1", "1.0-alpha1"}},
		{"gem", []string{"1", "1.0", "1.0.0", "01.0", " 1.0 "}},
		{"gem", []string{"1.0-rc1", "1.0.pre.rc1"}},
		{"composer", []string{"1.0", "v1.0.0", "1.0.0.0", "1.0.0-stable", "V1.0"}},
		{"conda", []string{"0.4.1.rc", "0.4.1.RC"}},
		{"conda", []string{"1.1.0", "1.1", "1.1_0", "0!1.1"}},
		{"conda", []string{"1.1.0dev1", "1.1.dev1"}},
		{"conda", []string{"1.1.0post1", "1.1.post1"}},
		{"nuget", []string{"1.0", "1.0.0", "1.0.0.0", "01.0.0", "1.0.0+build.5"}},
		{"nuget", []string{"2.0.0-Beta.1", "2.0.0-beta.1", "2.0.0-BETA.01"}},
		{"composer", []string{"1.0.0-b2", "1.0.0-beta2", "1.0.0beta.2", "1.0.0-beta-2"}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%s", tt.eco, tt.list[0]), func(t *testing.T) {
			equivalent(t, tt.eco, tt.list)
		})
	}
}

func TestCompareUnorderable(t *testing.T) {
	tests := []struct{ eco, a, b string }{
		{"swid", "1.0", "1.1"},       // no ordering for this ecosystem
		{"", "1.0", "2.0"},           // no ecosystem at all
		{"npm", "1.2", "1.3.0"},      // incomplete semantic version
		{"npm", "latest", "1.0.0"},   // a tag, not a version
		{"cargo", "01.0.0", "1.0.0"}, // leading zero
		{"cargo", "v1.0.0", "1.0.1"}, // cargo takes no "v"
		{"golang", "v1.2", "v1.3.0"}, // shorthand is not a module version
		{"golang", "v1.2.3+meta", "v1.2.4"},
		{"golang", "v0.0.0-20200101000000-abcdef123456", "v0.0.0-20200101000000-123456abcdef"}, // same instant, other commit
		{"pypi", "1.0-foo", "1.0"}, // not PEP 440
		{"pypi", "", "1.0"},
		{"maven", "", "1.0"},
		{"gem", "1.0 beta", "1.0"},
		{"composer", "dev-main", "1.0.0"},
		{"nuget", "1.0.0.0.0", "1.0"},
		{"nuget", "1.0-", "1.0"},
		{"nuget", "v1.0", "1.0"},
		{"conda", "1.0-1", "1.0"},
		{"cran", "1.0a", "1.0"},
		{"cran", "1..0", "1.0"},
		{"hex", "1.0", "1.0.0"},
		{"conda", "x!1.0", "1.0"},
		{"conda", "1..0", "1.0"},
		{"composer", "1.0.x-dev", "1.0.0"},
	}
	for _, tt := range tests {
		if c, ok := Compare(tt.eco, tt.a, tt.b); ok {
			t.Errorf("Compare(%q, %q, %q) = %d, true; want false", tt.eco, tt.a, tt.b, c)
		}
		if c, ok := Compare(tt.eco, tt.b, tt.a); ok {
			t.Errorf("Compare(%q, %q, %q) = %d, true; want false", tt.eco, tt.b, tt.a, c)
		}
	}
}

func TestCompareIdenticalAlwaysEqual(t *testing.T) {
	for _, eco := range []string{"npm", "deb", "", "golang", "generic"} {
		if c, ok := Compare(eco, "not a version", "not a version"); !ok || c != 0 {
			t.Errorf("Compare(%q, same, same) = %d, %v; want 0, true", eco, c, ok)
		}
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		eco, v string
		want   bool
	}{
		{"npm", "1.2.3", true},
		{"npm", "1.2", false},
		{"golang", "v0.0.0-20190101000000-abcdef123456", true},
		{"golang", "master", false},
		{"pypi", "2024.1.post2", true},
		{"pypi", "1.0-foo", false},
		{"maven", "1.0-SNAPSHOT", true},
		{"swid", "1.0", false},
	}
	for _, tt := range tests {
		if got := Valid(tt.eco, tt.v); got != tt.want {
			t.Errorf("Valid(%q, %q) = %v; want %v", tt.eco, tt.v, got, tt.want)
		}
	}
}
