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
	if want := "maven:org.acme:acme-parent:3 license The Apache Software License, Version 2.0 fact\nmaven:org.acme:acme-parent:3 license https://opensource.org/licenses/MIT fact\nmaven:org.acme:acme-parent:3 manifest pom.xml fact"; digestSet(got) != want {
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
	f.Add([]byte(`<project><properties><v>1</v></properties><dependencyManagement><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>${v}</version><scope>import</scope><type>pom</type></dependency></dependencies></dependencyManagement><dependencies><dependency><groupId>g</groupId><artifactId>b</artifactId><optional>true</optional></dependency></dependencies></project>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		u := pomBase + "lib/1.0/lib-1.0.pom"
		p := planFor(defaultClassifier().Classify(classify.Request{URL: u}), u, "text/xml")
		_ = parseMavenPOM(strings.NewReader(string(data)), p, func(d capture.Digest) {
			if d.Subject != "maven:org.acme:lib:1.0" || d.Source != SourceFact || !slices.Contains([]string{FactLicense, FactMavenParent, FactManifest, FactMavenDependency, FactMavenManaged, FactMavenProperty}, d.Algorithm) {
				t.Fatalf("bad fact %+v", d)
			}
		})
	})
}

// TestMavenRequires: a POM's dependencies resolved as Maven's inheritance
// does, from the POMs the build fetched: versions from properties (the
// child's over the parent's, ${project.version}), from the parent's
// dependencyManagement and from a BOM it imports; test, provided and
// optional dependencies left out; dependencies inherited from the parent.
func TestMavenRequires(t *testing.T) {
	parentPOM := `<project><groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>3</version><packaging>pom</packaging>
<properties><slf4j.version>1.7.36</slf4j.version><jackson.version>2.15.2</jackson.version></properties>
<dependencyManagement><dependencies>
<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>${slf4j.version}</version></dependency>
<dependency><groupId>junit</groupId><artifactId>junit</artifactId><version>4.13.2</version><scope>test</scope></dependency>
<dependency><groupId>org.acme</groupId><artifactId>acme-bom</artifactId><version>${project.parent.version}</version><type>pom</type><scope>import</scope></dependency>
</dependencies></dependencyManagement>
<dependencies><dependency><groupId>org.acme</groupId><artifactId>acme-annotations</artifactId><version>[1.0,2.0)</version></dependency></dependencies>
</project>`
	bomPOM := `<project><groupId>org.acme</groupId><artifactId>acme-bom</artifactId><version>3</version><packaging>pom</packaging>
<properties><netty.version>4.1.100.Final</netty.version></properties>
<dependencyManagement><dependencies>
<dependency><groupId>io.netty</groupId><artifactId>netty-buffer</artifactId><version>${netty.version}</version></dependency>
<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId><version>9.9</version></dependency>
</dependencies></dependencyManagement></project>`
	libPOM := `<project><parent><groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>3</version></parent>
<artifactId>lib</artifactId><version>1.0</version>
<properties><jackson.version>2.16.0</jackson.version></properties>
<dependencies>
<dependency><groupId>org.slf4j</groupId><artifactId>slf4j-api</artifactId></dependency>
<dependency><groupId>io.netty</groupId><artifactId>netty-buffer</artifactId></dependency>
<dependency><groupId>com.fasterxml.jackson.core</groupId><artifactId>jackson-core</artifactId><version>${jackson.version}</version><scope>runtime</scope></dependency>
<dependency><groupId>org.acme</groupId><artifactId>lib-core</artifactId><version>${project.version}</version></dependency>
<dependency><groupId>junit</groupId><artifactId>junit</artifactId></dependency>
<dependency><groupId>javax.servlet</groupId><artifactId>servlet-api</artifactId><version>2.5</version><scope>provided</scope></dependency>
<dependency><groupId>org.acme</groupId><artifactId>extra</artifactId><version>1</version><optional>true</optional></dependency>
<dependency><groupId>org.acme</groupId><artifactId>mystery</artifactId><version>${undefined}</version></dependency>
</dependencies></project>`
	ev := collect(logOf(
		capture.Exchange{URL: pomBase + "acme-parent/3/acme-parent-3.pom", Digests: inspect(t, pomBase+"acme-parent/3/acme-parent-3.pom", "text/xml", "", []byte(parentPOM))},
		capture.Exchange{URL: pomBase + "acme-bom/3/acme-bom-3.pom", Digests: inspect(t, pomBase+"acme-bom/3/acme-bom-3.pom", "text/xml", "", []byte(bomPOM))},
		capture.Exchange{URL: pomBase + "lib/1.0/lib-1.0.pom", Digests: inspect(t, pomBase+"lib/1.0/lib-1.0.pom", "text/xml", "", []byte(libPOM))},
	), defaultClassifier())
	got, known := ev.Requires("pkg:maven/org.acme/lib@1.0")
	want := []string{
		"org.acme/acme-annotations [1.0,2.0)",
		"org.slf4j/slf4j-api 1.7.36",
		"io.netty/netty-buffer 4.1.100.Final",
		"com.fasterxml.jackson.core/jackson-core 2.16.0",
		"org.acme/lib-core 1.0",
		"org.acme/mystery ",
	}
	if !known || !slices.Equal(got, want) {
		t.Errorf("lib requires (known %v):\n%q\nwant\n%q", known, got, want)
	}
	if _, known := ev.Requires("pkg:maven/org.acme/unfetched@1.0"); known {
		t.Error("a POM the build did not fetch is known")
	}
}

// TestMavenRequiresCoordinates: Maven tells dependencies and managed
// entries apart by groupId, artifactId, type and classifier: a test-jar
// or a "tests" classifier of an artifact in test scope (declared or
// managed) leaves the artifact's compile dependency an edge. A groupId
// written ${project.groupId} (a sibling module) is resolved.
func TestMavenRequiresCoordinates(t *testing.T) {
	parentPOM := `<project><groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>3</version><packaging>pom</packaging>
<properties><core.version>2.0</core.version></properties>
<dependencyManagement><dependencies>
<dependency><groupId>org.acme</groupId><artifactId>core</artifactId><version>${core.version}</version></dependency>
<dependency><groupId>org.acme</groupId><artifactId>core</artifactId><version>${core.version}</version><type>test-jar</type><scope>test</scope></dependency>
<dependency><groupId>org.acme</groupId><artifactId>util</artifactId><version>1.1</version><classifier>tests</classifier><scope>test</scope></dependency>
<dependency><groupId>org.acme</groupId><artifactId>util</artifactId><version>1.1</version></dependency>
</dependencies></dependencyManagement></project>`
	libPOM := `<project><parent><groupId>org.acme</groupId><artifactId>acme-parent</artifactId><version>3</version></parent>
<artifactId>lib</artifactId><version>1.0</version>
<dependencies>
<dependency><groupId>org.acme</groupId><artifactId>core</artifactId></dependency>
<dependency><groupId>org.acme</groupId><artifactId>core</artifactId><type>test-jar</type></dependency>
<dependency><groupId>org.acme</groupId><artifactId>util</artifactId></dependency>
<dependency><groupId>org.acme</groupId><artifactId>util</artifactId><classifier>tests</classifier></dependency>
<dependency><groupId>org.acme</groupId><artifactId>other</artifactId><version>5</version></dependency>
<dependency><groupId>org.acme</groupId><artifactId>other</artifactId><version>5</version><classifier>tests</classifier><scope>test</scope></dependency>
<dependency><groupId>${project.groupId}</groupId><artifactId>sibling</artifactId><version>${project.version}</version></dependency>
</dependencies></project>`
	ev := collect(logOf(
		capture.Exchange{URL: pomBase + "acme-parent/3/acme-parent-3.pom", Digests: inspect(t, pomBase+"acme-parent/3/acme-parent-3.pom", "text/xml", "", []byte(parentPOM))},
		capture.Exchange{URL: pomBase + "lib/1.0/lib-1.0.pom", Digests: inspect(t, pomBase+"lib/1.0/lib-1.0.pom", "text/xml", "", []byte(libPOM))},
	), defaultClassifier())
	got, known := ev.Requires("pkg:maven/org.acme/lib@1.0")
	want := []string{
		"org.acme/core 2.0",
		"org.acme/util 1.1",
		"org.acme/other 5",
		"org.acme/sibling 1.0",
	}
	if !known || !slices.Equal(got, want) {
		t.Errorf("lib requires (known %v):\n%q\nwant\n%q", known, got, want)
	}
}
