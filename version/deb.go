package version

import (
	debversion "github.com/knqyf263/go-deb-version"
)

// Deb is the package URL type of Debian packages.
const Deb = "deb"

// compareDeb orders Debian versions as dpkg does: the epoch first, then
// the upstream version and the Debian revision, each compared by runs of
// non-digits (letters before non-letters, "~" before everything, even the
// end) and runs of digits.
func compareDeb(a, b string) (int, bool) {
	va, err := debversion.NewVersion(a)
	if err != nil {
		return 0, false
	}
	vb, err := debversion.NewVersion(b)
	if err != nil {
		return 0, false
	}
	return sign(va.Compare(vb)), true
}
