package verify

import (
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// A minified p2 file: 3.5.0 names its GitHub zip, 3.4.0 inherits nothing
// but a new dist (with a shasum), 3.3.0 unsets the dist.
const monologP2 = `{"packages":{"monolog/monolog":[
{"name":"monolog/monolog","description":"Sends your logs","version":"3.5.0","version_normalized":"3.5.0.0",
 "source":{"type":"git","url":"https://github.com/Seldaek/monolog.git","reference":"c915e2634718dbc8a4a15c61b0e62e7a44e14448"},
 "dist":{"type":"zip","url":"https://api.github.com/repos/Seldaek/monolog/zipball/c915e2634718dbc8a4a15c61b0e62e7a44e14448","reference":"c915e2634718dbc8a4a15c61b0e62e7a44e14448","shasum":""},
 "require":{"php":">=8.1","psr/log":"^2.0 || ^3.0"},"type":"library"},
{"version":"3.4.0","version_normalized":"3.4.0.0",
 "dist":{"type":"zip","url":"https://example.org/dists/monolog-3.4.0.zip","reference":"e2392369686d420ca32df3803de28b5d6f76867d","shasum":"0123456789ABCDEF0123456789abcdef01234567"}},
{"version":"3.3.1","version_normalized":"3.3.1.0"},
{"version":"3.3.0","dist":"__unset"}
]},"minified":"composer/2.0","security-advisories":[]}`

func TestComposerP2(t *testing.T) {
	got := inspect(t, "https://repo.packagist.org/p2/monolog/monolog.json", "application/json", "", []byte(monologP2))
	zip := "https://api.github.com/repos/Seldaek/monolog/zipball/c915e2634718dbc8a4a15c61b0e62e7a44e14448"
	want := []capture.Digest{
		{Subject: zip, Algorithm: "purl", Value: "pkg:composer/monolog/monolog@3.5.0", Source: "declared"},
		{Subject: "https://example.org/dists/monolog-3.4.0.zip", Algorithm: "purl", Value: "pkg:composer/monolog/monolog@3.4.0", Source: "declared"},
		{Subject: "https://example.org/dists/monolog-3.4.0.zip", Algorithm: "sha1", Value: "0123456789abcdef0123456789abcdef01234567", Source: "published"},
		// 3.3.1 repeats the dist before it (minified), 3.3.0 has none.
		{Subject: "https://example.org/dists/monolog-3.4.0.zip", Algorithm: "purl", Value: "pkg:composer/monolog/monolog@3.3.1", Source: "declared"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

func TestComposerSatisPackages(t *testing.T) {
	doc := `{"packages":{"acme/tool":{"1.0.0":{"name":"acme/tool","version":"1.0.0","dist":{"type":"zip","url":"dist/acme-tool-1.0.0.zip","shasum":""}}}}}`
	x := &capture.Exchange{Method: "GET", URL: "https://satis.corp.example/packages.json", Status: 200, ContentType: "application/json"}
	if in := NewInspectFunc(classify.Default(), Options{})(x); in != nil {
		t.Error("a host no classifier knows is inspected")
	}
	c, err := classify.NewComposer("https://satis.corp.example/")
	if err != nil {
		t.Fatal(err)
	}
	set := classify.Default().Prepend(c)
	in := NewInspectFunc(set, Options{})(x)
	if in == nil {
		t.Fatal("no inspector for a Composer repository named in rules")
	}
	in.Write([]byte(doc))
	// (packages.json names no package, so its purls carry no
	// repository_url; a p2 file's do.)
	want := []capture.Digest{{Subject: "https://satis.corp.example/dist/acme-tool-1.0.0.zip", Algorithm: "purl",
		Value: "pkg:composer/acme/tool@1.0.0", Source: "declared"}}
	if got := in.Finish(true); digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

// The zip Packagist names is on api.github.com, which redirects to
// codeload: both become the Composer package, and a shasum published for
// it verifies the bytes.
func TestAttributeDeclaredURL(t *testing.T) {
	zip := "https://api.github.com/repos/Seldaek/monolog/zipball/c915e2634718dbc8a4a15c61b0e62e7a44e14448"
	codeload := "https://codeload.github.com/Seldaek/monolog/legacy.zip/c915e2634718dbc8a4a15c61b0e62e7a44e14448"
	body := []byte("monolog zip")
	_, _, s1, _ := sums(body)
	meta := []capture.Digest{
		{Subject: zip, Algorithm: AlgPURL, Value: "pkg:composer/monolog/monolog@3.5.0", Source: SourceDeclared},
		{Subject: zip, Algorithm: AlgSHA1, Value: s1, Source: SourcePublished},
	}
	art := artifactExchange(codeload, body)
	other := artifactExchange("https://codeload.github.com/other/repo/legacy.zip/0123456789abcdef0123456789abcdef01234567", []byte("x"))
	l := logOf(capture.Exchange{URL: "https://repo.packagist.org/p2/monolog/monolog.json", Digests: meta},
		capture.Exchange{URL: zip, Status: 302, Location: codeload}, art, other)
	a := Attribute(l, defaultClassifier())
	for _, u := range []string{zip, codeload} {
		f := a.Classify(classify.Request{URL: u})
		if f.Kind != classify.KindArtifact || f.Ecosystem != "composer" || f.PURL != "pkg:composer/monolog/monolog@3.5.0" ||
			f.Group != "monolog" || f.Name != "monolog" || f.Version != "3.5.0" || f.URL != u {
			t.Errorf("%s: %+v", u, f)
		}
	}
	if f := a.Classify(classify.Request{URL: other.URL}); f.Ecosystem != "github" {
		t.Errorf("an undeclared zip changed: %+v", f)
	}
	// An npm tarball keeps its own finding even when declared.
	if f := a.Classify(classify.Request{URL: "https://registry.npmjs.org/a/-/a-1.0.0.tgz"}); f.PURL != "pkg:npm/a@1.0.0" {
		t.Errorf("npm: %+v", f)
	}
	ev := collect(l, a)
	v := ev.Check("pkg:composer/monolog/monolog@3.5.0", art.SHA256)
	if v.Status != StatusVerified || strings.Join(v.Sources, ",") != "Packagist metadata dist shasum" {
		t.Errorf("verdict: %+v", v)
	}
	// Without the declarations the zip is a GitHub archive.
	if f := Attribute(nil, defaultClassifier()).Classify(classify.Request{URL: codeload}); f.Ecosystem != "github" {
		t.Errorf("no log: %+v", f)
	}
}

// An npm packument whose tarball is on another host declares it.
func TestNPMForeignTarball(t *testing.T) {
	doc := `{"name":"left-pad","versions":{"1.3.0":{"version":"1.3.0","dist":{"tarball":"https://cdn.corp.example/npm/left-pad-1.3.0.tgz"}},` +
		`"1.2.0":{"version":"1.2.0","dist":{"tarball":"https://registry.npmjs.org/left-pad/-/left-pad-1.2.0.tgz"}}}}`
	got := inspect(t, "https://registry.npmjs.org/left-pad", "application/json", "", []byte(doc))
	want := []capture.Digest{{Subject: "https://cdn.corp.example/npm/left-pad-1.3.0.tgz", Algorithm: "purl", Value: "pkg:npm/left-pad@1.3.0", Source: "declared"}}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
	l := logOf(capture.Exchange{URL: "https://registry.npmjs.org/left-pad", Digests: got},
		artifactExchange("https://cdn.corp.example/npm/left-pad-1.3.0.tgz", []byte("lp")))
	if f := Attribute(l, defaultClassifier()).Classify(classify.Request{URL: "https://cdn.corp.example/npm/left-pad-1.3.0.tgz"}); f.PURL != "pkg:npm/left-pad@1.3.0" || f.Ecosystem != "npm" {
		t.Errorf("foreign tarball: %+v", f)
	}
}
