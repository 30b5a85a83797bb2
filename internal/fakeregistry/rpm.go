package fakeregistry

import (
	"fmt"
	"strings"
)

// RPM repository fixtures: a Fedora repository on dl.fedoraproject.org
// (served over plain HTTP too), whose repomd.xml names a gzip-compressed
// primary index.
const (
	HostFedora = "dl.fedoraproject.org"
	// RPMRepo is the repository's base URL (the directory of repodata/).
	RPMRepo = "http://" + HostFedora + "/pub/fedora/linux/releases/40/Everything/x86_64/os/"
)

// rpmPackage is one package of the fake repository.
type rpmPackage struct {
	name, epoch, version, release, arch string
}

// file is the package's file name (no epoch).
func (p rpmPackage) file() string {
	return p.name + "-" + p.version + "-" + p.release + "." + p.arch + ".rpm"
}

// RPMURL returns the URL of a fixture package file.
func RPMURL(file string) string {
	return RPMRepo + "Packages/" + file[:1] + "/" + file
}

// rpmPackages are the packages the repository lists: one with an epoch.
func rpmPackages(opts Options) []rpmPackage {
	hello := rpmPackage{name: "hello", epoch: "0", version: "2.12", release: "1.fc40", arch: "x86_64"}
	if opts.Upgrade {
		hello.version = "2.12.1"
	}
	return []rpmPackage{hello, {name: "shadow-utils", epoch: "2", version: "4.15.1", release: "2.fc40", arch: "x86_64"}}
}

func addRPM(b *builder) error {
	extra := ""
	if b.opts.Republish {
		extra = " (republished)"
	}
	var primary strings.Builder
	pkgs := rpmPackages(b.opts)
	fmt.Fprintf(&primary, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"%d\">\n", len(pkgs))
	for _, p := range pkgs {
		// dnf --downloadonly checks the digest, not the RPM header: a
		// short stand-in body is enough.
		body := []byte("depaudit fixture rpm " + p.name + " " + p.epoch + ":" + p.version + "-" + p.release + extra + "\n")
		v := p.version + "-" + p.release
		if p.epoch != "0" {
			v = p.epoch + ":" + v
		}
		purl := "pkg:rpm/fedora/" + p.name + "@" + v + "?arch=" + p.arch
		f := b.file(File{URL: RPMURL(p.file()), Ecosystem: "rpm", Kind: KindArtifact, PURL: purl, ContentType: "application/x-rpm", Body: body})
		fmt.Fprintf(&primary, `<package type="rpm">
  <name>%s</name>
  <arch>%s</arch>
  <version epoch="%s" ver="%s" rel="%s"/>
  <checksum type="sha256" pkgid="YES">%s</checksum>
  <summary>depaudit fixture</summary>
  <description>depaudit fixture</description>
  <packager>depaudit</packager>
  <url>https://example.com/</url>
  <time file="1709294400" build="1709294400"/>
  <size package="%d" installed="10" archive="10"/>
  <location href="Packages/%s/%s"/>
  <format>
    <rpm:license>MIT</rpm:license>
    <rpm:vendor>Fedora Project</rpm:vendor>
    <rpm:group>Unspecified</rpm:group>
    <rpm:buildhost>fixture</rpm:buildhost>
    <rpm:sourcerpm>%s-%s-%s.src.rpm</rpm:sourcerpm>
    <rpm:header-range start="100" end="200"/>
    <rpm:provides><rpm:entry name="%s" flags="EQ" epoch="%s" ver="%s" rel="%s"/></rpm:provides>
  </format>
</package>
`, p.name, p.arch, p.epoch, p.version, p.release, f.SHA256, len(body), p.file()[:1], p.file(),
			p.name, p.version, p.release, p.name, p.epoch, p.version, p.release)
	}
	primary.WriteString("</metadata>\n")
	plain := []byte(primary.String())
	gz, err := gzBytes(plain)
	if err != nil {
		return fmt.Errorf("rpm primary: %w", err)
	}
	pf := b.file(File{URL: RPMRepo + "repodata/" + hexDigest(gz) + "-primary.xml.gz", Ecosystem: "rpm", Kind: KindMetadata,
		ContentType: "application/x-gzip", Body: gz})
	repomd := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
  <revision>1709294400</revision>
  <data type="primary">
    <checksum type="sha256">%s</checksum>
    <open-checksum type="sha256">%s</open-checksum>
    <location href="repodata/%s"/>
    <timestamp>1709294400</timestamp>
    <size>%d</size>
    <open-size>%d</open-size>
  </data>
</repomd>
`, pf.SHA256, hexDigest(plain), pf.URL[strings.LastIndexByte(pf.URL, '/')+1:], len(gz), len(plain))
	b.file(File{URL: RPMRepo + "repodata/repomd.xml", Ecosystem: "rpm", Kind: KindMetadata, ContentType: "application/xml", Body: []byte(repomd)})
	return nil
}
