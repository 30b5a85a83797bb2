package verify

import (
	"slices"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/license"
)

const pomBase = "https://repo.maven.apache.org/maven2/org/acme/"

// TestMavenPOMLicenses: a POM's own <licenses> (name, else url) and its
// <parent> are read; an artifact gets its POM's licences, else the nearest
// parent's the build fetched; a dependency's or a plugin's licences are
// not the project's.
func TestMavenPOMLicenses(t *testing.T) {
	parentPOM := `<?xml version="1.0"?><project xmlns="http://maven.apache.org/POM/4.0.0"><groupId>org.acme</groupId>
<artifactId>acme-parent</artifactId><version>3</version><packaging>pom</packaging>
<licenses><license><name>The Apache Software License, Version 2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0.txt</url></license>
<license><url>https://opensource.org/licenses/MIT</url></license></licenses></project>`
	libPOM := `<project><parent><groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>3</version></parent>
<artifactId>lib</artifactId><version>1.0</version>
<dependencies><dependency><licenses><license><name>not mine</name></license></licenses></dependency></dependencies></project>`
	ownPOM := `<project><groupId>org.acme</groupId><artifactId>own</artifactId><version>2.0</version>
<licenses><license><name>Apache-2.0</name></license></licenses></project>`
	got := inspect(t, pomBase+"acme-parent/3/acme-parent-3.pom", "text/xml", "", []byte(parentPOM))
	if want := "maven:org.acme:acme-parent:3 license The Apache Software License, Version 2.0 fact\nmaven:org.acme:acme-parent:3 license https://opensource.org/licenses/MIT fact"; digestSet(got) != want {
		t.Errorf("parent POM facts:\n%s\nwant\n%s", digestSet(got), want)
	}
	lib := inspect(t, pomBase+"lib/1.0/lib-1.0.pom", "text/xml", "", []byte(libPOM))
	if s := digestSet(lib); strings.Contains(s, "not mine") || !strings.Contains(s, "maven-parent maven:org.acme:acme-parent:3") {
		t.Errorf("lib POM facts:\n%s", s)
	}
	own := inspect(t, pomBase+"own/2.0/own-2.0.pom", "text/xml", "", []byte(ownPOM))

	ev := collect(logOf(
		capture.Exchange{URL: pomBase + "acme-parent/3/acme-parent-3.pom", Digests: got},
		capture.Exchange{URL: pomBase + "lib/1.0/lib-1.0.pom", Digests: lib},
		capture.Exchange{URL: pomBase + "own/2.0/own-2.0.pom", Digests: own},
	), defaultClassifier())
	for purl, want := range map[string][]string{
		"pkg:maven/org.acme/lib@1.0":  {license.SourceMavenParentPOM, "The Apache Software License, Version 2.0", "https://opensource.org/licenses/MIT"},
		"pkg:maven/org.acme/own@2.0":  {license.SourceMavenPOM, "Apache-2.0"},
		"pkg:maven/org.acme/other@1":  {""},
		"pkg:cargo/serde@1.0.0":       {license.SourceNotPublished},
		"pkg:golang/example.com/m@v1": {""},
	} {
		l, src := ev.Licenses(purl)
		if g := append([]string{src}, l...); !slices.Equal(g, want) {
			t.Errorf("%s: %q, want %q", purl, g, want)
		}
	}
}

// FuzzMavenPOM: no POM crashes the reader; every fact it emits is of the
// POM's coordinates.
func FuzzMavenPOM(f *testing.F) {
	f.Add([]byte(`<project><parent><groupId>g</groupId><artifactId>p</artifactId><version>1</version></parent><licenses><license><name>MIT</name></license></licenses></project>`))
	f.Add([]byte(`<project><licenses><license><url>u</url></license><license/></licenses>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		u := pomBase + "lib/1.0/lib-1.0.pom"
		p := planFor(defaultClassifier().Classify(classify.Request{URL: u}), u, "text/xml")
		_ = parseMavenPOM(strings.NewReader(string(data)), p, func(d capture.Digest) {
			if d.Subject != "maven:org.acme:lib:1.0" || d.Source != SourceFact || (d.Algorithm != FactLicense && d.Algorithm != FactMavenParent) {
				t.Fatalf("bad fact %+v", d)
			}
		})
	})
}
