package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// dnfArgs returns dnf's arguments for a download-only install of pkgs
// from the fake Fedora repository into a private installroot, with a
// private configuration, repository list and cache (plain HTTP: dnf's
// libcurl takes the proxy from http_proxy, while a CA for https would
// need sslcacert in the repository file). proxy_auth_method=basic sends
// the proxy credential at once instead of after a 407 challenge.
func (e *e2eRun) dnfArgs(pkgs ...string) (args []string, dest string) {
	e.t.Helper()
	root, err := os.MkdirTemp(e.home, "dnf-")
	if err != nil {
		e.t.Fatal(err)
	}
	for _, d := range []string{"installroot", "repos.d", "cache", "download", "log"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			e.t.Fatal(err)
		}
	}
	conf := filepath.Join(root, "dnf.conf")
	repo := "[fedora-fixture]\nname=fixture\nbaseurl=" + fakeregistry.RPMRepo + "\ngpgcheck=0\nrepo_gpgcheck=0\nmetadata_expire=0\n"
	for p, c := range map[string]string{conf: "[main]\ngpgcheck=0\nplugins=0\ninstall_weak_deps=0\nretries=1\nproxy_auth_method=basic\n", filepath.Join(root, "repos.d", "fixture.repo"): repo} {
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
	dest = filepath.Join(root, "download")
	args = []string{"-y", "-q", "--config=" + conf, "--installroot=" + filepath.Join(root, "installroot"), "--releasever=40",
		"--setopt=reposdir=" + filepath.Join(root, "repos.d"), "--setopt=cachedir=" + filepath.Join(root, "cache"),
		"--setopt=logdir=" + filepath.Join(root, "log"), "--forcearch=x86_64",
		"install", "--downloadonly", "--downloaddir=" + dest}
	return append(args, pkgs...), dest
}

// TestE2EDnf downloads two packages with dnf: each .rpm is a pkg:rpm
// component (the epoch from the primary index), verified against it, and
// the primary index against repomd.xml.
func TestE2EDnf(t *testing.T) {
	t.Parallel()
	dnf := requireClient(t, "dnf")
	e := newE2E(t, fakeregistry.Options{})
	urls := []string{
		fakeregistry.RPMURL("hello-2.12-1.fc40.x86_64.rpm"),
		fakeregistry.RPMURL("shadow-utils-4.15.1-2.fc40.x86_64.rpm"),
	}
	args, dest := e.dnfArgs("hello", "shadow-utils")
	res := e.build(append([]string{dnf}, args...)...)
	checkServedWereCaptured(t, e.reg, res.log)
	checkArtifacts(t, e.reg, res.log, urls...)
	checkSBOM(t, e.reg, res, sbomWant{artifacts: urls})
	for _, u := range urls {
		if _, err := os.Stat(filepath.Join(dest, u[strings.LastIndexByte(u, '/')+1:])); err != nil {
			t.Errorf("dnf did not download %s: %v", u, err)
		}
	}

	args, _ = e.dnfArgs("hello", "shadow-utils")
	r := verifyBuild(e, newTamperer(t, e), nil, append([]string{dnf}, args...)...)
	r.checkClean(t, "RPM primary index SHA256",
		"pkg:rpm/fedora/hello@2.12-1.fc40?arch=x86_64", "pkg:rpm/fedora/shadow-utils@2:4.15.1-2.fc40?arch=x86_64")
	if !strings.Contains(r.stderr, "depaudit: metadata verification: 1 verified, 0 mismatch") {
		t.Errorf("the primary index is not verified against repomd.xml:\n%s", r.stderr)
	}

	// A tampered package: dnf refuses it, depaudit records the mismatch.
	args, _ = e.dnfArgs("hello")
	bad := verifyBuild(e, newTamperer(t, e, urls[0]), nil, append([]string{dnf}, args...)...)
	bad.mustFail(t, "dnf")
	bad.checkTampered(t, e.reg, urls[0], "pkg:rpm/fedora/hello@2.12-1.fc40?arch=x86_64", "RPM primary index")
}
