package version

import (
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
)

// compareGo orders Go module versions: canonical semantic versions with a
// leading "v", pseudo-versions (which sort as pre-releases of the version
// after their base, and by commit time among themselves) and +incompatible.
// Two pseudo-versions with the same base and time but different commits
// cannot be ordered.
func compareGo(a, b string) (int, bool) {
	a, b = goVersion(a), goVersion(b)
	if !validGo(a) || !validGo(b) {
		return 0, false
	}
	if samePseudoInstant(a, b) {
		return 0, false
	}
	c := semver.Compare(a, b)
	return c, true
}

// samePseudoInstant reports whether a and b are pseudo-versions with the
// same base version and commit time but different commits: their order in
// semantic-version terms would only compare commit hashes.
func samePseudoInstant(a, b string) bool {
	if !module.IsPseudoVersion(a) || !module.IsPseudoVersion(b) {
		return false
	}
	ta, errA := module.PseudoVersionTime(a)
	tb, errB := module.PseudoVersionTime(b)
	ba, errC := module.PseudoVersionBase(a)
	bb, errD := module.PseudoVersionBase(b)
	if errA != nil || errB != nil || errC != nil || errD != nil {
		return false
	}
	return ta.Equal(tb) && ba == bb && a != b
}

// goVersion adds the "v" that some SBOM generators leave out.
func goVersion(v string) string {
	v = strings.TrimSpace(v)
	if v != "" && !strings.HasPrefix(v, "v") {
		return "v" + v
	}
	return v
}

// validGo reports whether v is a complete Go module version (no "v1.2"
// shorthand; build metadata only as +incompatible).
func validGo(v string) bool {
	if !semver.IsValid(v) {
		return false
	}
	if b := semver.Build(v); b != "" && b != "+incompatible" {
		return false
	}
	core := strings.TrimPrefix(v, "v")
	core, _, _ = strings.Cut(core, "+")
	core, _, _ = strings.Cut(core, "-")
	return strings.Count(core, ".") == 2
}
