package version

import (
	"strings"

	mvn "github.com/masahiro331/go-mvn-version"
)

// compareMaven orders Maven versions by the rules of Maven's
// ComparableVersion: items split on ".", "-" and digit/letter transitions,
// qualifiers alpha < beta < milestone < rc = cr < snapshot < "" = ga = final
// = release < sp, unknown qualifiers after those (lexically), and numbers
// after qualifiers. Every non-empty string has a place in that order.
func compareMaven(a, b string) (int, bool) {
	if strings.TrimSpace(a) == "" || strings.TrimSpace(b) == "" {
		return 0, false
	}
	va, err := mvn.NewVersion(a)
	if err != nil {
		return 0, false
	}
	vb, err := mvn.NewVersion(b)
	if err != nil {
		return 0, false
	}
	return sign(va.Compare(vb)), true
}

// sign maps any integer to -1, 0 or +1.
func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}
