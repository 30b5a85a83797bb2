package version

import (
	"strings"

	"golang.org/x/mod/semver"
)

// compareNPM orders npm versions: strict Semantic Versioning 2.0.0, with the
// leading "v" or "=" that npm's parser tolerates.
func compareNPM(a, b string) (int, bool) {
	return compareSemver(trimNPM(a), trimNPM(b))
}

// trimNPM removes what npm's loose parser strips before a version.
func trimNPM(v string) string {
	v = strings.TrimSpace(v)
	v = strings.TrimPrefix(v, "=")
	v = strings.TrimPrefix(v, "v")
	return v
}

// compareCargo orders Cargo (crates.io) versions: strict Semantic Versioning
// 2.0.0; build metadata does not take part in the order.
func compareCargo(a, b string) (int, bool) {
	return compareSemver(a, b)
}

// compareSemver orders two strict semantic versions written without a "v":
// MAJOR.MINOR.PATCH, optional -PRERELEASE and +BUILD. Build metadata is
// ignored, as the specification requires.
func compareSemver(a, b string) (int, bool) {
	if !strictSemver(a) || !strictSemver(b) {
		return 0, false
	}
	return semver.Compare("v"+a, "v"+b), true
}

// strictSemver reports whether v (without "v") is a complete semantic
// version; golang.org/x/mod/semver alone would also accept "1.2".
func strictSemver(v string) bool {
	if strings.HasPrefix(v, "v") || !semver.IsValid("v"+v) {
		return false
	}
	core, _, _ := strings.Cut(v, "+")
	core, _, _ = strings.Cut(core, "-")
	return strings.Count(core, ".") == 2
}
