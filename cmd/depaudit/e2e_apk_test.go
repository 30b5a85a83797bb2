package main

import (
	"path/filepath"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// TestE2EApkFlow replays what `apk add curl` fetches (no apk client here):
// APKINDEX.tar.gz, then the package, with curl. The package is a pkg:apk
// component verified by the index's control-segment checksum and by its
// control segment's datahash; a package whose data segment differs is a
// mismatch.
func TestE2EApkFlow(t *testing.T) {
	t.Parallel()
	curl := requireClient(t, "curl")
	e := newE2E(t, fakeregistry.Options{})
	index := fakeregistry.APKDir + "APKINDEX.tar.gz"
	pkg := fakeregistry.APKDir + "curl-8.5.0-r0.apk"
	fetch := func(tam *fakeregistry.Tamperer, dir string) *verifyResult {
		return verifyBuild(e, tam, nil, curl, "-fsS", "-o", filepath.Join(e.dir, dir+"-APKINDEX.tar.gz"), index,
			"-o", filepath.Join(e.dir, dir+"-curl.apk"), pkg)
	}
	good := fetch(newTamperer(t, e), "good")
	good.checkClean(t, "APKINDEX control-segment checksum", "pkg:apk/alpine/curl@8.5.0-r0?arch=x86_64")
	checkServedWereCaptured(t, e.reg, good.log)
	checkSBOM(t, e.reg, good.e2eResult, sbomWant{artifacts: []string{pkg}})
	if srcs := good.prop(t, "pkg:apk/alpine/curl@8.5.0-r0?arch=x86_64", "depaudit:verification:source"); len(srcs) != 2 {
		t.Errorf("verified by %q, want the index and the datahash", srcs)
	}

	// Appended bytes change the data segment, not the control segment.
	bad := fetch(newTamperer(t, e, pkg), "bad")
	bad.checkTampered(t, e.reg, pkg, "pkg:apk/alpine/curl@8.5.0-r0?arch=x86_64", "apk control segment datahash")
}
