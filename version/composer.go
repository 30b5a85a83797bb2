package version

import (
	"regexp"
	"strings"
	"sync"
)

// composerVersionRE is composer/semver's VersionParser::normalize pattern
// for versions (not dates or branches): up to four numbers, then an
// optional stability with a number, then an optional "dev".
var composerVersionRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^v?(\d{1,5})(\.\d+)?(\.\d+)?(\.\d+)?[._-]?(?:(stable|beta|b|rc|alpha|a|patch|pl|p)((?:[.-]?\d+)*)?)?([.-]?dev)?$`)
})

// compareComposer orders Composer versions as Composer does: both are
// normalised as VersionParser::normalize does ("v1.2" → "1.2.0.0",
// "1.0-b2" → "1.0.0.0-beta2", "1.0.x-dev" is a branch and is not
// ordered) and the normalised forms compared as PHP's version_compare
// does (dev < alpha < beta < RC < release < patch).
func compareComposer(a, b string) (int, bool) {
	na, ok := normalizeComposer(a)
	if !ok {
		return 0, false
	}
	nb, ok := normalizeComposer(b)
	if !ok {
		return 0, false
	}
	return phpVersionCompare(na, nb), true
}

// normalizeComposer is VersionParser::normalize for plain versions.
func normalizeComposer(v string) (string, bool) {
	v = strings.TrimSpace(v)
	m := composerVersionRE().FindStringSubmatch(v)
	if m == nil {
		return "", false
	}
	var b strings.Builder
	b.WriteString(m[1])
	for _, part := range m[2:5] {
		if part == "" {
			part = ".0"
		}
		b.WriteString(part)
	}
	if m[5] != "" && !strings.EqualFold(m[5], "stable") {
		b.WriteString("-")
		switch strings.ToLower(m[5]) {
		case "a", "alpha":
			b.WriteString("alpha")
		case "b", "beta":
			b.WriteString("beta")
		case "rc":
			b.WriteString("RC")
		default: // p, pl, patch
			b.WriteString("patch")
		}
		b.WriteString(strings.TrimLeft(m[6], ".-"))
	}
	if m[7] != "" {
		b.WriteString("-dev")
	}
	return b.String(), true
}

// phpVersionCompare is PHP's version_compare: the versions are cut into
// parts at ".", "-", "_", "+" and between digits and letters; numbers
// compare as numbers, words by their rank (a missing part ranks as a
// number that sorts below any other, so "1.0" < "1.0.1" but "1.0-beta" <
// "1.0").
func phpVersionCompare(a, b string) int {
	pa, pb := phpParts(a), phpParts(b)
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var c int
		switch {
		case i >= len(pa):
			c = -phpCompareMissing(pb[i])
		case i >= len(pb):
			c = phpCompareMissing(pa[i])
		default:
			c = phpComparePart(pa[i], pb[i])
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// phpParts canonicalises a version as version_compare does.
func phpParts(v string) []string {
	var parts []string
	cur := ""
	kind := 0 // 1 digit, 2 other
	flush := func() {
		if cur != "" {
			parts = append(parts, cur)
		}
		cur, kind = "", 0
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == '.' || c == '-' || c == '_' || c == '+' {
			flush()
			continue
		}
		k := 2
		if c >= '0' && c <= '9' {
			k = 1
		}
		if kind != 0 && k != kind {
			flush()
		}
		cur += string(c)
		kind = k
	}
	flush()
	return parts
}

// phpRank is the order of version_compare's special words; a number ranks
// between "RC" and "pl".
func phpRank(s string) int {
	switch strings.ToLower(s) {
	case "dev":
		return 1
	case "alpha", "a":
		return 2
	case "beta", "b":
		return 3
	case "rc":
		return 4
	case "#":
		return 5
	case "pl", "p", "patch":
		return 6
	}
	if isNumber(s) {
		return 5
	}
	return 0
}

func phpComparePart(a, b string) int {
	if isNumber(a) && isNumber(b) {
		return compareDigits(strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0"))
	}
	return cmpInt(phpRank(a), phpRank(b))
}

// phpCompareMissing compares a part with the absence of one: a number is
// greater, a word compares with "#".
func phpCompareMissing(p string) int {
	if isNumber(p) {
		return 1
	}
	return cmpInt(phpRank(p), phpRank("#"))
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
