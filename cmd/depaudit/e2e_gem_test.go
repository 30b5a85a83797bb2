package main

import (
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// gemProject makes e.dir a Ruby project that needs fixture-gem (which
// pulls gem-dep) and native-gem, with gem and bundler caches under HOME.
func (e *e2eRun) gemProject() {
	e.env["GEM_HOME"] = filepath.Join(e.home, "gems")
	e.env["GEM_PATH"] = filepath.Join(e.home, "gems")
	e.env["GEM_SPEC_CACHE"] = filepath.Join(e.home, "gem-specs")
	e.env["BUNDLE_USER_HOME"] = filepath.Join(e.home, "bundle-home")
	e.env["BUNDLE_APP_CONFIG"] = filepath.Join(e.home, "bundle-config")
	e.env["BUNDLE_PATH"] = filepath.Join(e.home, "bundle")
	e.env["BUNDLE_GEMFILE"] = filepath.Join(e.dir, "Gemfile")
	e.env["BUNDLE_RETRY"] = "0"
	e.env["BUNDLE_SILENCE_ROOT_WARNING"] = "1"
	e.writeFile("Gemfile", "source \"https://rubygems.org\"\n\ngem \"fixture-gem\"\ngem \"native-gem\"\n")
}

// gemFiles are the .gem URLs gem and bundle install for the project: the
// x86_64-linux build of native-gem on that platform, the plain one
// elsewhere. gem fetches them from index.rubygems.org (the host it sends
// every request for the rubygems.org source to), bundler from rubygems.org.
func gemFiles(host string) []string {
	native := "native-gem-1.2.0"
	if runtime.GOOS == "linux" && runtime.GOARCH == "amd64" {
		native += "-" + fakeregistry.GemPlatform
	}
	return []string{
		strings.Replace(fakeregistry.GemURL("fixture-gem-1.0.0"), fakeregistry.HostRubyGems, host, 1),
		strings.Replace(fakeregistry.GemURL("gem-dep-0.2.0"), fakeregistry.HostRubyGems, host, 1),
		strings.Replace(fakeregistry.GemURL(native), fakeregistry.HostRubyGems, host, 1),
	}
}

func TestE2EGemInstall(t *testing.T) {
	t.Parallel()
	gem := requireClient(t, "gem")
	e := newE2E(t, fakeregistry.Options{})
	e.gemProject()
	res := e.build(gem, "install", "--no-document", "--clear-sources", "--source", "https://rubygems.org/",
		"fixture-gem", "native-gem")
	checkServedWereCaptured(t, e.reg, res.log)
	checkArtifacts(t, e.reg, res.log, gemFiles(fakeregistry.HostRubyGemsIndex)...)
	checkSBOM(t, e.reg, res, sbomWant{artifacts: gemFiles(fakeregistry.HostRubyGemsIndex)})
	if !strings.Contains(res.stdout, "Successfully installed fixture-gem-1.0.0") {
		t.Errorf("gem install printed:\n%s", res.stdout)
	}
}

func TestE2EBundleInstall(t *testing.T) {
	t.Parallel()
	bundle := requireClient(t, "bundle")
	e := newE2E(t, fakeregistry.Options{})
	e.gemProject()
	res := e.build(bundle, "install", "--gemfile", filepath.Join(e.dir, "Gemfile"))
	checkServedWereCaptured(t, e.reg, res.log)
	checkArtifacts(t, e.reg, res.log, gemFiles(fakeregistry.HostRubyGems)...)
	checkSBOM(t, e.reg, res, sbomWant{artifacts: gemFiles(fakeregistry.HostRubyGems)})
}

// Every gem is verified against the compact index's checksum. bundler
// refuses a gem whose SHA-256 differs from it; gem does not compare it
// and installs the altered file, so depaudit is what records it.
func TestE2EVerifyGem(t *testing.T) {
	t.Parallel()
	gem := requireClient(t, "gem")
	bundle := requireClient(t, "bundle")
	e := newE2E(t, fakeregistry.Options{})
	e.gemProject()
	install := func(tam *fakeregistry.Tamperer, home string, command ...string) *verifyResult {
		e.env["GEM_HOME"] = filepath.Join(e.home, home)
		e.env["GEM_SPEC_CACHE"] = filepath.Join(e.home, home+"-specs")
		e.env["BUNDLE_PATH"] = filepath.Join(e.home, home)
		e.env["BUNDLE_USER_HOME"] = filepath.Join(e.home, home+"-bundle-home")
		return verifyBuild(e, tam, nil, command...)
	}
	gemInstall := []string{gem, "install", "--no-document", "--clear-sources", "--source", "https://rubygems.org/", "fixture-gem", "native-gem"}
	bundleInstall := []string{bundle, "install", "--gemfile", filepath.Join(e.dir, "Gemfile")}
	purls := []string{"pkg:gem/fixture-gem@1.0.0", "pkg:gem/gem-dep@0.2.0"}
	install(newTamperer(t, e), "gem-good", gemInstall...).checkClean(t, "RubyGems compact index checksum", purls...)
	install(newTamperer(t, e), "bundle-good", bundleInstall...).checkClean(t, "RubyGems compact index checksum", purls...)

	viaBundler := fakeregistry.GemURL("gem-dep-0.2.0")
	bad := install(newTamperer(t, e, viaBundler), "bundle-bad", bundleInstall...)
	bad.mustFail(t, "bundle")
	pairs := bad.checkTampered(t, e.reg, viaBundler, "pkg:gem/gem-dep@0.2.0", "RubyGems compact index checksum")
	if len(pairs) != 1 || pairs[0].alg != "sha256" {
		t.Errorf("want the checksum (sha256) mismatch alone: %+v", pairs)
	}
	if !strings.Contains(bad.stdout+bad.stderr, "checksum") {
		t.Errorf("bundler did not report the checksum:\nstdout:\n%s\nstderr:\n%s", bad.stdout, bad.stderr)
	}

	viaGem := strings.Replace(viaBundler, fakeregistry.HostRubyGems, fakeregistry.HostRubyGemsIndex, 1)
	bad = install(newTamperer(t, e, viaGem), "gem-bad", gemInstall...)
	bad.mustSucceed(t)
	bad.checkTampered(t, e.reg, viaGem, "pkg:gem/gem-dep@0.2.0", "RubyGems compact index checksum")
}
