package version

import (
	apkversion "github.com/knqyf263/go-apk-version"
)

// APK is the package URL type of Alpine packages.
const APK = "apk"

// compareAPK orders Alpine package versions as apk does: numbers, a
// letter, suffixes (_alpha < _beta < _pre < _rc < none < _cvs < _svn <
// _git < _hg < _p) and the package release -rN last.
func compareAPK(a, b string) (int, bool) {
	va, err := apkversion.NewVersion(a)
	if err != nil {
		return 0, false
	}
	vb, err := apkversion.NewVersion(b)
	if err != nil {
		return 0, false
	}
	return sign(va.Compare(vb)), true
}
