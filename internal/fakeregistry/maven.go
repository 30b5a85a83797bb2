package fakeregistry

import (
	"fmt"
	"strings"
)

// MavenProjectPOM is a project pom that makes `mvn -B validate` download,
// with no plugin, the fake repository's parent pom (empty relativePath), a
// build extension, the extension's dependency and
// org.codehaus.plexus:plexus-utils:1.1 (which Maven's extension mechanism
// pulls itself).
const MavenProjectPOM = `<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>org.example.fixture</groupId>
    <artifactId>fixture-parent</artifactId>
    <version>1.0.0</version>
    <relativePath/>
  </parent>
  <artifactId>app</artifactId>
  <build>
    <extensions>
      <extension>
        <groupId>org.example.fixture</groupId>
        <artifactId>fixture-ext</artifactId>
        <version>1.0.0</version>
      </extension>
    </extensions>
  </build>
</project>
`

// MavenParentLicense is the licence the fixture parent POM publishes, which
// fixture-lib inherits: a name, not an SPDX identifier.
const MavenParentLicense = "The MIT License (MIT)"

// mavenGAV is one fake Maven artifact version.
type mavenGAV struct {
	group, artifact, version string
	packaging                string // "pom" or "jar"
	deps                     []mavenDep
	extra                    string
	// properties and managed are the POM's <properties> and
	// <dependencyManagement> entries.
	properties [][2]string
	managed    []mavenDep
	// licenses are the POM's <licenses> names; parent its <parent>.
	licenses []string
	parent   *mavenGAV
}

// mavenDep is a <dependency> as a POM writes it: version as written ("" to
// leave it to dependencyManagement, a ${property}), scope, optional, type.
type mavenDep struct {
	group, artifact, version, scope, typ string
	optional                             bool
}

// on is a dependency on g at its version.
func on(g mavenGAV) mavenDep {
	return mavenDep{group: g.group, artifact: g.artifact, version: g.version}
}

// xml writes the dependency's element.
func (d mavenDep) xml(b *strings.Builder, indent string) {
	fmt.Fprintf(b, "%s<dependency>\n%s  <groupId>%s</groupId>\n%s  <artifactId>%s</artifactId>\n", indent, indent, d.group, indent, d.artifact)
	for _, f := range [][2]string{{"version", d.version}, {"type", d.typ}, {"scope", d.scope}} {
		if f[1] != "" {
			fmt.Fprintf(b, "%s  <%s>%s</%s>\n", indent, f[0], f[1], f[0])
		}
	}
	if d.optional {
		fmt.Fprintf(b, "%s  <optional>true</optional>\n", indent)
	}
	fmt.Fprintf(b, "%s</dependency>\n", indent)
}

func (g mavenGAV) dir() string {
	return "/maven2/" + strings.ReplaceAll(g.group, ".", "/") + "/" + g.artifact + "/" + g.version + "/"
}

func (g mavenGAV) pom() []byte {
	var deps strings.Builder
	if len(g.deps) > 0 {
		deps.WriteString("  <dependencies>\n")
		for _, d := range g.deps {
			d.xml(&deps, "    ")
		}
		deps.WriteString("  </dependencies>\n")
	}
	if len(g.properties) > 0 {
		deps.WriteString("  <properties>\n")
		for _, p := range g.properties {
			fmt.Fprintf(&deps, "    <%s>%s</%s>\n", p[0], p[1], p[0])
		}
		deps.WriteString("  </properties>\n")
	}
	if len(g.managed) > 0 {
		deps.WriteString("  <dependencyManagement>\n    <dependencies>\n")
		for _, d := range g.managed {
			d.xml(&deps, "      ")
		}
		deps.WriteString("    </dependencies>\n  </dependencyManagement>\n")
	}
	var meta strings.Builder
	if g.parent != nil {
		fmt.Fprintf(&meta, "  <parent>\n    <groupId>%s</groupId>\n    <artifactId>%s</artifactId>\n    <version>%s</version>\n  </parent>\n",
			g.parent.group, g.parent.artifact, g.parent.version)
	}
	if len(g.licenses) > 0 {
		meta.WriteString("  <licenses>\n")
		for _, l := range g.licenses {
			fmt.Fprintf(&meta, "    <license>\n      <name>%s</name>\n    </license>\n", l)
		}
		meta.WriteString("  </licenses>\n")
	}
	return []byte(fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
%s  <groupId>%s</groupId>
  <artifactId>%s</artifactId>
  <version>%s</version>
  <packaging>%s</packaging>
  <description>depaudit fixture</description>
%s</project>
`, meta.String(), g.group, g.artifact, g.version, g.packaging, deps.String()))
}

func (g mavenGAV) jar() ([]byte, error) {
	return zipBytes([]entry{
		{name: "META-INF/MANIFEST.MF", body: []byte("Manifest-Version: 1.0\r\nCreated-By: depaudit-fakeregistry\r\n\r\n")},
		{name: "META-INF/maven/" + g.group + "/" + g.artifact + "/pom.properties",
			body: []byte(fmt.Sprintf("groupId=%s\nartifactId=%s\nversion=%s\n# depaudit fixture%s\n", g.group, g.artifact, g.version, g.extra))},
	})
}

func mavenPURL(g mavenGAV, typ string) string {
	p := "pkg:maven/" + g.group + "/" + g.artifact + "@" + g.version
	if typ != "jar" {
		p += "?type=" + typ
	}
	return p
}

func addMaven(b *builder) error {
	libVersion := "1.0.0"
	if b.opts.Upgrade {
		libVersion = "1.1.0"
	}
	extra := ""
	if b.opts.Republish {
		extra = " (republished)"
	}
	// The parent publishes a licence that is no SPDX identifier, which
	// fixture-lib inherits; fixture-ext names its own by its identifier.
	// The parent manages plexus-utils' version through a property;
	// fixture-lib depends on it without a version, and on the parent POM
	// (optional), fixture-ext and plexus-utils' test-jar (test scope),
	// which are no dependencies of those who depend on fixture-lib;
	// fixture-ext names fixture-lib's groupId ${project.groupId}, as a
	// sibling module does: the dependency
	// graph is fixture-ext → fixture-lib → plexus-utils.
	plexus := mavenGAV{group: "org.codehaus.plexus", artifact: "plexus-utils", version: "1.1", packaging: "jar"}
	parent := mavenGAV{group: "org.example.fixture", artifact: "fixture-parent", version: "1.0.0", packaging: "pom",
		licenses: []string{MavenParentLicense}, properties: [][2]string{{"plexus.version", "1.1"}},
		managed: []mavenDep{{group: plexus.group, artifact: plexus.artifact, version: "${plexus.version}"}}}
	ext := mavenGAV{group: "org.example.fixture", artifact: "fixture-ext", version: "1.0.0", packaging: "jar", licenses: []string{"Apache-2.0"}}
	lib := mavenGAV{group: "org.example.fixture", artifact: "fixture-lib", version: libVersion, packaging: "jar", extra: extra, parent: &parent,
		deps: []mavenDep{
			{group: plexus.group, artifact: plexus.artifact},
			{group: parent.group, artifact: parent.artifact, version: "${project.parent.version}", typ: "pom", optional: true},
			{group: ext.group, artifact: ext.artifact, version: ext.version, scope: "test"},
			// Maven tells this test-jar apart from plexus-utils itself.
			{group: plexus.group, artifact: plexus.artifact, version: "${plexus.version}", typ: "test-jar", scope: "test"},
		}}
	ext.deps = []mavenDep{{group: "${project.groupId}", artifact: lib.artifact, version: lib.version}}
	gavs := []mavenGAV{parent, ext, lib, plexus}
	for _, host := range []string{HostMaven, HostMaven1} {
		for _, g := range gavs {
			base := "https://" + host + g.dir() + g.artifact + "-" + g.version
			pom := b.file(File{URL: base + ".pom", Ecosystem: "maven", Kind: KindMetadata, PURL: mavenPURL(g, "pom"),
				ContentType: "text/xml", Body: g.pom()})
			b.file(File{URL: base + ".pom.sha1", Ecosystem: "maven", Kind: KindSidecar, ContentType: "text/plain", Body: []byte(pom.SHA1)})
			if g.packaging != "jar" {
				continue
			}
			body, err := g.jar()
			if err != nil {
				return fmt.Errorf("maven jar %s:%s: %w", g.group, g.artifact, err)
			}
			jar := b.file(File{URL: base + ".jar", Ecosystem: "maven", Kind: KindArtifact, PURL: mavenPURL(g, "jar"),
				ContentType: "application/java-archive", Body: body})
			b.file(File{URL: base + ".jar.sha1", Ecosystem: "maven", Kind: KindSidecar, ContentType: "text/plain", Body: []byte(jar.SHA1)})
		}
	}
	return nil
}
