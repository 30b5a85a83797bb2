package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// aptCommand returns a shell command that runs apt-get update and then
// apt-get download of pkgs into a fresh directory (dest), against the fake Debian archive
// (a [trusted=yes] source), with apt's state, cache, sources and
// configuration parts all private to the test: the system's apt state is
// never read or written.
func (e *e2eRun) aptCommand(pkgs ...string) (command, dest string) {
	e.t.Helper()
	root, err := os.MkdirTemp(e.home, "apt-")
	if err != nil {
		e.t.Fatal(err)
	}
	sources := filepath.Join(root, "sources.list")
	if err := os.WriteFile(sources, []byte("deb [trusted=yes] "+fakeregistry.DebArchive+" "+fakeregistry.DebSuite+" main\n"), 0o644); err != nil {
		e.t.Fatal(err)
	}
	apt, dest := aptIn(e.t, root, sources, filepath.Join(root, "sources.list.d"), "amd64")
	return aptScript(apt, dest, true, pkgs...), dest
}

// aptScript is the shell command that runs apt-get update (when update is
// set) and apt-get download of pkgs in dest, apt being the apt-get
// invocation with its options.
func aptScript(apt, dest string, update bool, pkgs ...string) string {
	s := "cd " + shellQuote(dest) + " && "
	if update {
		s += apt + " update && "
	}
	return s + apt + " download " + strings.Join(pkgs, " ")
}

// aptIn returns the apt-get invocation with apt's private files under
// root, the given sources and architecture, and the download directory.
func aptIn(t *testing.T, root, sources, sourceParts, arch string) (apt, dest string) {
	t.Helper()
	dest = filepath.Join(root, "download")
	for _, d := range []string{"state/lists/partial", "cache/archives/partial", "sources.list.d", "preferences.d", "trusted.gpg.d", "apt.conf.d", "download"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	status := filepath.Join(root, "status")
	if err := os.WriteFile(status, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	opts := []string{
		"-o", "Dir::State=" + filepath.Join(root, "state"),
		"-o", "Dir::State::status=" + status,
		"-o", "Dir::Cache=" + filepath.Join(root, "cache"),
		"-o", "Dir::Etc::sourcelist=" + sources,
		"-o", "Dir::Etc::sourceparts=" + sourceParts,
		"-o", "Dir::Etc::preferencesparts=" + filepath.Join(root, "preferences.d"),
		"-o", "Dir::Etc::trustedparts=" + filepath.Join(root, "trusted.gpg.d"),
		"-o", "Dir::Etc::parts=" + filepath.Join(root, "apt.conf.d"),
		"-o", "APT::Architecture=" + arch, "-o", "APT::Architectures=" + arch,
		"-o", "Acquire::Languages=none", "-o", "Acquire::Retries=0",
		"-o", "APT::Sandbox::User=root", "-o", "Debug::NoLocking=1", "-q",
	}
	return "apt-get " + strings.Join(shellQuoteAll(opts), " "), dest
}

// shellQuoteAll single-quotes each argument for sh.
func shellQuoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = shellQuote(a)
	}
	return out
}

// debURLs are the fixture packages the apt tests download.
var debURLs = []string{
	fakeregistry.DebURL("hello", "2.10-3", "amd64"),
	fakeregistry.DebURL("libfixture1", "1.0-1", "amd64"), // version 1:1.0-1: the file name drops the epoch
	fakeregistry.DebURL("fixture-data", "0.5-1", "all"),
}

// TestE2EApt runs apt-get update and apt-get download against the fake
// Debian archive: every .deb is a pkg:deb component with the epoch and the
// codename the metadata published, no index is a component, and every
// package and index is verified.
func TestE2EApt(t *testing.T) {
	t.Parallel()
	requireClient(t, "apt-get")
	sh := requireClient(t, "sh")
	e := newE2E(t, fakeregistry.Options{})
	apt, dest := e.aptCommand("hello", "libfixture1", "fixture-data")
	res := e.build(sh, "-c", apt)
	checkServedWereCaptured(t, e.reg, res.log)
	checkArtifacts(t, e.reg, res.log, debURLs...)
	checkSBOM(t, e.reg, res, sbomWant{artifacts: debURLs})
	for _, name := range []string{"hello_2.10-3_amd64.deb", "libfixture1_1%3a1.0-1_amd64.deb", "fixture-data_0.5-1_all.deb"} {
		if _, err := os.Stat(filepath.Join(dest, name)); err != nil {
			t.Errorf("apt-get download did not write %s: %v", name, err)
		}
	}
	byHash := false
	for _, x := range res.log.Exchanges {
		byHash = byHash || strings.Contains(x.URL, "/by-hash/SHA256/")
	}
	if !byHash {
		t.Errorf("apt fetched no index by hash:\n%s", describeLog(res.log))
	}

	apt, _ = e.aptCommand("hello", "libfixture1", "fixture-data")
	r := verifyBuild(e, newTamperer(t, e), nil, sh, "-c", apt)
	r.checkClean(t, "apt Packages index SHA256",
		"pkg:deb/debian/hello@2.10-3?arch=amd64&distro=bookworm",
		"pkg:deb/debian/libfixture1@1:1.0-1?arch=amd64&distro=bookworm",
		"pkg:deb/debian/fixture-data@0.5-1?arch=all&distro=bookworm")
	if !strings.Contains(r.stderr, "depaudit: metadata verification: 1 verified, 0 mismatch") {
		t.Errorf("the Packages index fetched by hash is not verified against the Release file:\n%s", r.stderr)
	}
}

// TestE2EAptTampered serves a .deb whose bytes differ from its Packages
// stanza: apt refuses it, and depaudit records the mismatch against the
// Packages index.
func TestE2EAptTampered(t *testing.T) {
	t.Parallel()
	requireClient(t, "apt-get")
	sh := requireClient(t, "sh")
	e := newE2E(t, fakeregistry.Options{})
	bad := debURLs[0]
	apt, _ := e.aptCommand("hello", "libfixture1")
	r := verifyBuild(e, newTamperer(t, e, bad), nil, sh, "-c", apt)
	r.mustFail(t, "apt-get")
	if !strings.Contains(r.stdout+r.stderr, "File has unexpected size") && !strings.Contains(r.stdout+r.stderr, "Hash Sum mismatch") {
		t.Errorf("apt did not refuse the tampered .deb:\nstdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	}
	r.checkTampered(t, e.reg, bad, "pkg:deb/debian/hello@2.10-3?arch=amd64&distro=bookworm", "apt Packages index")
}

// TestE2EAptVerifyFetch downloads with the package lists already in
// place (apt-get update ran before the build, outside it): the build sees
// only .deb files, and --verify-fetch fetches the Packages index that
// vouches for them.
func TestE2EAptVerifyFetch(t *testing.T) {
	t.Parallel()
	requireClient(t, "apt-get")
	sh := requireClient(t, "sh")
	e := newE2E(t, fakeregistry.Options{})
	root := t.TempDir()
	sources := filepath.Join(root, "sources.list")
	// The suite as users often name it: stable, not the codename.
	if err := os.WriteFile(sources, []byte("deb [trusted=yes] "+fakeregistry.DebArchive+" stable main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	apt, dest := aptIn(t, root, sources, filepath.Join(root, "sources.list.d"), "amd64")
	e.build(sh, "-c", apt+" update")
	dl := aptScript(apt, dest, false, "hello", "fixture-data")
	without := verifyBuild(e, newTamperer(t, e), []string{"--no-verify-fetch"}, sh, "-c", dl)
	without.mustSucceed(t)
	if got := without.summary(t); got != (verifyCounts{unverifiable: 2}) {
		t.Errorf("with --no-verify-fetch: %+v, want 2 unverifiable\n%s", got, without.stderr)
	}
	if err := os.RemoveAll(dest); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dest, 0o755); err != nil {
		t.Fatal(err)
	}
	with := verifyBuild(e, newTamperer(t, e), nil, sh, "-c", dl)
	with.checkClean(t, "apt Packages index SHA256 (fetched after the build)",
		"pkg:deb/debian/hello@2.10-3?arch=amd64", "pkg:deb/debian/fixture-data@0.5-1?arch=all")
}
