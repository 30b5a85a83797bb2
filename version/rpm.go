package version

import (
	"strings"

	rpmversion "github.com/knqyf263/go-rpm-version"
)

// RPM is the package URL type of RPM packages.
const RPM = "rpm"

// compareRPM orders RPM versions ([EPOCH:]VERSION[-RELEASE]) with
// rpmvercmp: the epoch, then version and release by alternating runs of
// digits and letters, "~" sorting before everything and "^" after the
// version it extends.
func compareRPM(a, b string) (int, bool) {
	if strings.TrimSpace(a) == "" || strings.TrimSpace(b) == "" {
		return 0, false
	}
	return sign(rpmversion.NewVersion(a).Compare(rpmversion.NewVersion(b))), true
}
