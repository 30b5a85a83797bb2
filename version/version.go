// Package version orders package versions the way each ecosystem's own
// tooling does: semantic versioning for npm and Cargo, Go module versions
// (pseudo-versions and +incompatible included), PEP 440 for PyPI and Maven's
// ComparableVersion rules.
//
// Compare answers whether a version change is an upgrade or a downgrade; it
// reports false when the two versions cannot be ordered (an unknown
// ecosystem, a malformed version, two Go pseudo-versions that differ only in
// their commit), so that callers can call the change "changed".
package version

import "strings"

// Ecosystem names, as used by package URL types.
const (
	NPM       = "npm"
	Cargo     = "cargo"
	Golang    = "golang"
	PyPI      = "pypi"
	Maven     = "maven"
	Gem       = "gem"
	Composer  = "composer"
	NuGet     = "nuget"
	Conda     = "conda"
	Pub       = "pub"
	Hex       = "hex"
	CRAN      = "cran"
	CocoaPods = "cocoapods"
)

// Compare orders the versions a and b of a package of the given ecosystem
// (a package URL type such as "npm", "cargo", "golang", "pypi", "maven"; "go"
// and "crates.io" are accepted too). It returns -1 when a sorts before b, 0
// when they are equivalent, +1 when a sorts after b, and true. It returns
// (0, false) when the versions cannot be ordered: an unknown ecosystem with
// two different strings, or a version the ecosystem's rules do not accept.
//
// Identical strings are always equal, whatever the ecosystem.
func Compare(ecosystem, a, b string) (int, bool) {
	if a == b {
		return 0, true
	}
	cmp := comparer(ecosystem)
	if cmp == nil {
		return 0, false
	}
	return cmp(a, b)
}

// Valid reports whether v is a version that Compare can order for the given
// ecosystem.
func Valid(ecosystem, v string) bool {
	cmp := comparer(ecosystem)
	if cmp == nil {
		return false
	}
	_, ok := cmp(v, v)
	return ok
}

// comparer returns the ordering function of an ecosystem, nil when it has none.
func comparer(ecosystem string) func(a, b string) (int, bool) {
	switch strings.ToLower(ecosystem) {
	case NPM:
		return compareNPM
	case Cargo, "crates.io":
		return compareCargo
	case Golang, "go":
		return compareGo
	case PyPI:
		return comparePEP440
	case Maven:
		return compareMaven
	case Deb:
		return compareDeb
	case RPM:
		return compareRPM
	case APK:
		return compareAPK
	case Gem:
		return compareGem
	case Composer:
		return compareComposer
	case NuGet:
		return compareNuGet
	case Conda:
		return compareConda
	case Pub, Hex:
		// Both follow Semantic Versioning 2.0.0 (pub's and Elixir's Version).
		return compareSemver
	case CRAN:
		return compareCRAN
	case CocoaPods:
		// Pod::Version is a Gem::Version.
		return compareGem
	}
	return nil
}
