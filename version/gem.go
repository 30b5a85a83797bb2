package version

import (
	"regexp"
	"strings"
	"sync"
)

// gemVersionRE is Gem::Version's ANCHORED_VERSION_PATTERN.
var gemVersionRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s*$`)
})

// gemSegmentRE splits a version into its segments, as Gem::Version#_segments.
var gemSegmentRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[0-9]+|[a-zA-Z]+`) })

// compareGem orders RubyGems versions exactly as Gem::Version#<=> does:
// numeric segments compare as numbers, a segment with letters marks a
// pre-release that sorts before any number ("1.0.0.rc1" < "1.0.0"), "-"
// reads as ".pre.", and trailing zeros do not count ("1.0" == "1.0.0").
// (github.com/aquasecurity/go-gem-version orders "1.0.0.a" after
// "1.0.0.alpha.2", which Ruby does not, so the rules are written out.)
func compareGem(a, b string) (int, bool) {
	sa, ok := gemCanonical(a)
	if !ok {
		return 0, false
	}
	sb, ok := gemCanonical(b)
	if !ok {
		return 0, false
	}
	for i := 0; i < max(len(sa), len(sb)); i++ {
		l, r := "0", "0"
		if i < len(sa) {
			l = sa[i]
		}
		if i < len(sb) {
			r = sb[i]
		}
		if l == r {
			continue
		}
		ln, rn := isNumber(l), isNumber(r)
		switch {
		case !ln && rn:
			return -1, true
		case ln && !rn:
			return 1, true
		case ln:
			return compareDigits(l, r), true
		}
		return strings.Compare(l, r), true
	}
	return 0, true
}

// gemCanonical returns Gem::Version#canonical_segments: the numeric
// segments before the first string one and the rest, each without
// trailing zeros; numbers without leading zeros.
func gemCanonical(v string) ([]string, bool) {
	if !gemVersionRE().MatchString(v) {
		return nil, false
	}
	v = strings.ReplaceAll(strings.TrimSpace(v), "-", ".pre.")
	if v == "" {
		v = "0"
	}
	segs := gemSegmentRE().FindAllString(v, -1)
	for i, s := range segs {
		if isNumber(s) {
			if t := strings.TrimLeft(s, "0"); t != "" {
				segs[i] = t
			} else {
				segs[i] = "0"
			}
		}
	}
	split := len(segs)
	for i, s := range segs {
		if !isNumber(s) {
			split = i
			break
		}
	}
	trim := func(p []string) []string {
		for len(p) > 0 && p[len(p)-1] == "0" {
			p = p[:len(p)-1]
		}
		return p
	}
	num, str := trim(segs[:split:split]), trim(segs[split:])
	return append(num, str...), true
}

// isNumber reports a segment of digits.
func isNumber(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

// compareDigits orders two numbers written without leading zeros.
func compareDigits(a, b string) int {
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}
