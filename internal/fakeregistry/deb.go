package fakeregistry

import (
	"bytes"
	"compress/gzip"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ulikunitz/xz"
)

// Debian archive fixtures: deb.debian.org/debian with one distribution,
// DebSuite, whose Release file names its Packages indexes (fetched by
// hash, as apt does when Acquire-By-Hash is set).
const (
	HostDebian = "deb.debian.org"
	// DebArchive is the archive root: the directory of dists/ and pool/.
	DebArchive = "http://" + HostDebian + "/debian"
	// DebSuite is the distribution's suite and codename.
	DebSuite = "bookworm"
)

// debPackage is one binary package of the fake archive.
type debPackage struct {
	name, version, arch, depends string
}

// debFileVersion is the version a pool file name carries: without the
// epoch.
func debFileVersion(v string) string {
	if _, rest, ok := strings.Cut(v, ":"); ok {
		return rest
	}
	return v
}

// debPool is a package's pool path under the archive root.
func debPool(p debPackage) string {
	prefix := p.name[:1]
	if strings.HasPrefix(p.name, "lib") && len(p.name) > 3 {
		prefix = p.name[:4]
	}
	return "pool/main/" + prefix + "/" + p.name + "/" + p.name + "_" + debFileVersion(p.version) + "_" + p.arch + ".deb"
}

// DebURL returns the URL of a fixture package's .deb.
func DebURL(name, fileVersion, arch string) string {
	prefix := name[:1]
	if strings.HasPrefix(name, "lib") && len(name) > 3 {
		prefix = name[:4]
	}
	return DebArchive + "/pool/main/" + prefix + "/" + name + "/" + name + "_" + fileVersion + "_" + arch + ".deb"
}

// debPackages are the packages the archive lists: one with an epoch the
// file name drops, one for every architecture.
func debPackages(opts Options) []debPackage {
	hello := debPackage{name: "hello", version: "2.10-3", arch: "amd64", depends: "libfixture1"}
	if opts.Upgrade {
		hello.version = "2.12-1"
	}
	return []debPackage{
		hello,
		{name: "libfixture1", version: "1:1.0-1", arch: "amd64"},
		{name: "fixture-data", version: "0.5-1", arch: "all"},
	}
}

// arMember is one member of an ar archive.
type arMember struct {
	name string
	body []byte
}

// arArchive builds a deterministic ar archive (the .deb container).
func arArchive(members []arMember) []byte {
	var b bytes.Buffer
	b.WriteString("!<arch>\n")
	for _, m := range members {
		fmt.Fprintf(&b, "%-16s%-12d%-6d%-6d%-8s%-10d`\n", m.name, fixtureTime.Unix(), 0, 0, "100644", len(m.body))
		b.Write(m.body)
		if len(m.body)%2 == 1 {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

// debFile builds a valid binary package: debian-binary, control.tar.gz and
// data.tar.gz.
func debFile(p debPackage, extra string) ([]byte, error) {
	control := fmt.Sprintf("Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: depaudit <fixtures@example.com>\nDescription: depaudit fixture%s\n",
		p.name, p.version, p.arch, extra)
	if p.depends != "" {
		control += "Depends: " + p.depends + "\n"
	}
	ctl, err := tarGz([]entry{{name: "./control", body: []byte(control)}})
	if err != nil {
		return nil, err
	}
	data, err := tarGz([]entry{{name: "./usr/share/doc/" + p.name + "/README", body: []byte(p.name + " " + p.version + extra + "\n")}})
	if err != nil {
		return nil, err
	}
	return arArchive([]arMember{{"debian-binary", []byte("2.0\n")}, {"control.tar.gz", ctl}, {"data.tar.gz", data}}), nil
}

// xzBytes compresses b with xz.
func xzBytes(b []byte) ([]byte, error) {
	var out bytes.Buffer
	w, err := xz.NewWriter(&out)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// gzBytes compresses b with gzip, deterministically.
func gzBytes(b []byte) ([]byte, error) {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.ModTime = fixtureTime
	if _, err := w.Write(b); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func addDeb(b *builder) error {
	extra := ""
	if b.opts.Republish {
		extra = " (republished)"
	}
	var packages strings.Builder
	for _, p := range debPackages(b.opts) {
		body, err := debFile(p, extra)
		if err != nil {
			return fmt.Errorf("deb %s: %w", p.name, err)
		}
		purl := "pkg:deb/debian/" + p.name + "@" + strings.ReplaceAll(p.version, "+", "%2B") + "?arch=" + p.arch + "&distro=" + DebSuite
		f := b.file(File{URL: DebArchive + "/" + debPool(p), Ecosystem: "deb", Kind: KindArtifact, PURL: purl,
			ContentType: "application/vnd.debian.binary-package", Body: body})
		fmt.Fprintf(&packages, "Package: %s\nVersion: %s\nArchitecture: %s\nMaintainer: depaudit <fixtures@example.com>\n", p.name, p.version, p.arch)
		if p.depends != "" {
			fmt.Fprintf(&packages, "Depends: %s\n", p.depends)
		}
		fmt.Fprintf(&packages, "Filename: %s\nSize: %d\nMD5sum: %s\nSHA256: %s\nDescription: depaudit fixture\n Continuation line of the description.\n\n",
			debPool(p), len(f.Body), md5Hex(f.Body), f.SHA256)
	}
	plain := []byte(packages.String())
	xzed, err := xzBytes(plain)
	if err != nil {
		return fmt.Errorf("deb Packages.xz: %w", err)
	}
	gzed, err := gzBytes(plain)
	if err != nil {
		return fmt.Errorf("deb Packages.gz: %w", err)
	}
	dist := DebArchive + "/dists/" + DebSuite + "/"
	// The suite name is an alias of the codename, as on real mirrors.
	stable := DebArchive + "/dists/stable/"
	var release strings.Builder
	fmt.Fprintf(&release, "Origin: Debian\nLabel: Debian\nSuite: stable\nCodename: %s\nDate: %s\nAcquire-By-Hash: yes\nArchitectures: amd64\nComponents: main\nDescription: depaudit fixture archive\nSHA256:\n",
		DebSuite, fixtureTime.Format("Mon, 02 Jan 2006 15:04:05 UTC"))
	for _, idx := range []struct {
		name string
		body []byte
	}{{"main/binary-amd64/Packages", plain}, {"main/binary-amd64/Packages.gz", gzed}, {"main/binary-amd64/Packages.xz", xzed}} {
		sum := sha256.Sum256(idx.body)
		h := hex.EncodeToString(sum[:])
		fmt.Fprintf(&release, " %s %8d %s\n", h, len(idx.body), idx.name)
		dir := idx.name[:strings.LastIndexByte(idx.name, '/')+1]
		b.file(File{URL: dist + idx.name, Aliases: []string{dist + dir + "by-hash/SHA256/" + h, stable + idx.name, stable + dir + "by-hash/SHA256/" + h},
			Ecosystem: "deb", Kind: KindMetadata, ContentType: "application/octet-stream", Body: idx.body})
	}
	b.file(File{URL: dist + "Release", Aliases: []string{stable + "Release"}, Ecosystem: "deb", Kind: KindMetadata, ContentType: "text/plain",
		Body: []byte(release.String())})
	return nil
}

// md5Hex is the hex MD5 of b (Packages stanzas still carry MD5sum).
func md5Hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}
