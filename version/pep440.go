package version

import pep440 "github.com/aquasecurity/go-pep440-version"

// comparePEP440 orders Python package versions by PEP 440: epochs, release
// segments with trailing zeros ignored, .devN < aN < bN < rcN < release <
// .postN, and local versions (+…) after the public version they extend.
func comparePEP440(a, b string) (int, bool) {
	va, err := pep440.Parse(a)
	if err != nil {
		return 0, false
	}
	vb, err := pep440.Parse(b)
	if err != nil {
		return 0, false
	}
	return sign(va.Compare(vb)), true
}
