package fakeregistry

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Hostnames of RubyGems.
const (
	HostRubyGems      = "rubygems.org"
	HostRubyGemsIndex = "index.rubygems.org"
)

// GemPlatform is the platform of the fixture's platform-specific gem
// (native-gem 1.2.0), which gem and bundle pick on x86_64 Linux.
const GemPlatform = "x86_64-linux"

// gemVersion is one published version of a fake gem.
type gemVersion struct {
	name, version, platform string
	deps                    map[string]string // name → requirement ("~> 0.2")
	extra                   string
}

// fullName is NAME-VERSION[-PLATFORM], the stem of the gem's file name.
func (g gemVersion) fullName() string {
	if g.platform == "" {
		return g.name + "-" + g.version
	}
	return g.name + "-" + g.version + "-" + g.platform
}

// gemVersions are the fixture's gems: fixture-gem depends on gem-dep;
// native-gem has a plain and an x86_64-linux build.
func gemVersions(opts Options) []gemVersion {
	extra := ""
	if opts.Republish {
		extra = " (republished)"
	}
	gems := []gemVersion{
		{name: "fixture-gem", version: "1.0.0", deps: map[string]string{"gem-dep": "~> 0.2"}, extra: extra},
		{name: "gem-dep", version: "0.2.0"},
		{name: "native-gem", version: "1.2.0"},
		{name: "native-gem", version: "1.2.0", platform: GemPlatform},
	}
	if opts.Upgrade {
		gems = append(gems, gemVersion{name: "gem-dep", version: "0.2.1"})
	}
	return gems
}

// GemURL is the download URL of a fixture gem.
func GemURL(fullName string) string { return "https://" + HostRubyGems + "/gems/" + fullName + ".gem" }

func addGem(b *builder) error {
	gems := gemVersions(b.opts)
	info := map[string][]string{}
	var names []string
	for _, g := range gems {
		body, err := gemFile(g)
		if err != nil {
			return fmt.Errorf("gem %s: %w", g.fullName(), err)
		}
		purl := "pkg:gem/" + g.name + "@" + g.version
		if g.platform != "" {
			purl += "?platform=" + g.platform
		}
		f := b.file(File{URL: GemURL(g.fullName()), Aliases: []string{"https://" + HostRubyGemsIndex + "/gems/" + g.fullName() + ".gem"},
			Ecosystem: "gem", Kind: KindArtifact, PURL: purl, ContentType: "application/octet-stream", Body: body})
		spec, err := gemMarshalSpec(g)
		if err != nil {
			return fmt.Errorf("gem %s: %w", g.fullName(), err)
		}
		quick := "/quick/Marshal.4.8/" + g.fullName() + ".gemspec.rz"
		b.file(File{URL: "https://" + HostRubyGems + quick, Aliases: []string{"https://" + HostRubyGemsIndex + quick},
			Ecosystem: "gem", Kind: KindMetadata, ContentType: "application/octet-stream", Body: spec})
		if _, ok := info[g.name]; !ok {
			names = append(names, g.name)
		}
		info[g.name] = append(info[g.name], gemInfoLine(g, f.SHA256))
	}
	sort.Strings(names)
	var versions strings.Builder
	versions.WriteString("created_at: 2024-03-01T12:00:00Z\n---\n")
	for _, name := range names {
		body := []byte("---\n" + strings.Join(info[name], "\n") + "\n")
		sum := md5.Sum(body)
		var vs []string
		for _, g := range gems {
			if g.name == name {
				vs = append(vs, strings.TrimPrefix(g.fullName(), g.name+"-"))
			}
		}
		fmt.Fprintf(&versions, "%s %s %s\n", name, strings.Join(vs, ","), hex.EncodeToString(sum[:]))
		compactIndexFile(b, "/info/"+name, body)
	}
	compactIndexFile(b, "/versions", []byte(versions.String()))
	compactIndexFile(b, "/names", []byte("---\n"+strings.Join(names, "\n")+"\n"))
	// gem asks for the index's root (HEAD) before it uses the compact index.
	b.file(File{URL: "https://" + HostRubyGemsIndex + "/", Ecosystem: "gem", Kind: KindMetadata,
		ContentType: "text/plain; charset=utf-8", Body: []byte("depaudit fixture compact index\n")})
	return nil
}

// compactIndexFile serves a compact index file at path on both RubyGems
// hosts, with the ETag rubygems.org sends: the quoted MD5 of the body,
// which bundler checks the file it received against.
func compactIndexFile(b *builder, path string, body []byte) {
	f := b.file(File{URL: "https://" + HostRubyGemsIndex + path, Aliases: []string{"https://" + HostRubyGems + path},
		Ecosystem: "gem", Kind: KindMetadata, ContentType: "text/plain; charset=utf-8", Body: body})
	sum := md5.Sum(body)
	etag := `"` + hex.EncodeToString(sum[:]) + `"`
	for _, host := range []string{HostRubyGemsIndex, HostRubyGems} {
		b.serveFunc(host, path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", etag)
			w.Header().Set("Content-Type", f.ContentType)
			http.ServeContent(w, r, "", fixtureTime, bytes.NewReader(f.Body))
		})
	}
}

// gemInfoLine is a version's line in the compact index info file.
func gemInfoLine(g gemVersion, sha256 string) string {
	full := strings.TrimPrefix(g.fullName(), g.name+"-")
	var deps []string
	for _, d := range sortedKeys(g.deps) {
		deps = append(deps, d+":"+g.deps[d])
	}
	return full + " " + strings.Join(deps, ",") + "|checksum:" + sha256 + ",ruby:>= 2.0"
}

// gemFile builds a .gem: an uncompressed tar of metadata.gz (the YAML
// gemspec) and data.tar.gz (the files).
func gemFile(g gemVersion) ([]byte, error) {
	lib := fmt.Sprintf("# %s %s, a depaudit fixture%s.\nmodule DepauditFixture\n  VERSION_%s = %q\nend\n",
		g.name, g.version, g.extra, strings.ReplaceAll(strings.ToUpper(g.name), "-", "_"), g.version)
	data, err := tarGz([]entry{{name: "lib/" + g.name + ".rb", body: []byte(lib)}})
	if err != nil {
		return nil, err
	}
	var meta bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&meta, gzip.BestCompression)
	zw.ModTime = fixtureTime
	if _, err := zw.Write([]byte(gemYAMLSpec(g))); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return tarUSTAR([]entry{{name: "metadata.gz", body: meta.Bytes()}, {name: "data.tar.gz", body: data}})
}

// tarUSTAR builds an uncompressed tar in the plain ustar format (a .gem, a
// Hex tarball), entries read-only.
func tarUSTAR(entries []entry) ([]byte, error) {
	var out bytes.Buffer
	tw := tar.NewWriter(&out)
	for _, e := range entries {
		hdr := &tar.Header{Typeflag: tar.TypeReg, Name: e.name, Mode: 0o444, Size: int64(len(e.body)),
			ModTime: fixtureTime, Format: tar.FormatUSTAR}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// gemYAMLSpec is the gemspec as `gem build` writes it into metadata.gz.
func gemYAMLSpec(g gemVersion) string {
	platform := g.platform
	if platform == "" {
		platform = "ruby"
	}
	req := func(indent, op, v string) string {
		return indent + "requirements:\n" + indent + "- - \"" + op + "\"\n" + indent + "  - !ruby/object:Gem::Version\n" +
			indent + "    version: '" + v + "'\n"
	}
	var deps strings.Builder
	if len(g.deps) == 0 {
		deps.WriteString("dependencies: []\n")
	} else {
		deps.WriteString("dependencies:\n")
		for _, d := range sortedKeys(g.deps) {
			op, v, _ := strings.Cut(g.deps[d], " ")
			fmt.Fprintf(&deps, "- !ruby/object:Gem::Dependency\n  name: %s\n  requirement: !ruby/object:Gem::Requirement\n%s"+
				"  type: :runtime\n  prerelease: false\n  version_requirements: !ruby/object:Gem::Requirement\n%s",
				d, req("    ", op, v), req("    ", op, v))
		}
	}
	return "--- !ruby/object:Gem::Specification\n" +
		"name: " + g.name + "\n" +
		"version: !ruby/object:Gem::Version\n  version: " + g.version + "\n" +
		"platform: " + platform + "\n" +
		"authors:\n- depaudit\n" +
		"autorequire:\nbindir: bin\ncert_chain: []\n" +
		"date: 2024-03-01 00:00:00.000000000 Z\n" +
		deps.String() +
		"description: depaudit fixture\nemail:\nexecutables: []\nextensions: []\nextra_rdoc_files: []\n" +
		"files:\n- lib/" + g.name + ".rb\n" +
		"homepage:\nlicenses:\n- MIT\nmetadata: {}\npost_install_message:\nrdoc_options: []\n" +
		"require_paths:\n- lib\n" +
		"required_ruby_version: !ruby/object:Gem::Requirement\n" + req("  ", ">=", "0") +
		"required_rubygems_version: !ruby/object:Gem::Requirement\n" + req("  ", ">=", "0") +
		"requirements: []\nrubygems_version: 3.3.15\nsigning_key:\nspecification_version: 4\n" +
		"summary: depaudit fixture\ntest_files: []\n"
}

// gemMarshalSpec is quick/Marshal.4.8/FULLNAME.gemspec.rz: the
// zlib-deflated Ruby Marshal dump of the Gem::Specification, in the form
// Gem::Specification#_dump writes it.
func gemMarshalSpec(g gemVersion) ([]byte, error) {
	var m rubyMarshal
	platform := g.platform
	if platform == "" {
		platform = "ruby"
	}
	version := func(v string) { m.userMarshal("Gem::Version", func() { m.array(1); m.str(v) }) }
	requirement := func(op, v string) {
		m.userMarshal("Gem::Requirement", func() {
			m.array(1)
			m.array(1)
			m.array(2)
			m.str(op)
			version(v)
		})
	}
	m.header()
	m.array(19)
	m.str("3.3.15")
	m.int(4)
	m.str(g.name)
	version(g.version)
	m.str("2024-03-01")
	m.str("depaudit fixture")
	requirement(">=", "0")
	requirement(">=", "0")
	m.str(platform)
	m.array(len(g.deps))
	for _, d := range sortedKeys(g.deps) {
		op, v, _ := strings.Cut(g.deps[d], " ")
		m.object("Gem::Dependency", 5, func(ivar func(string)) {
			ivar("@name")
			m.str(d)
			ivar("@requirement")
			requirement(op, v)
			ivar("@type")
			m.symbol("runtime")
			ivar("@prerelease")
			m.bool(false)
			ivar("@version_requirements")
			requirement(op, v)
		})
	}
	m.str("")
	m.nil()
	m.array(1)
	m.str("depaudit")
	m.str("depaudit fixture")
	m.nil()
	m.bool(true)
	m.str(platform)
	m.array(1)
	m.str("MIT")
	m.hash0()
	var outer rubyMarshal
	outer.header()
	outer.userDefined("Gem::Specification", m.b.Bytes())
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	if _, err := zw.Write(outer.b.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return z.Bytes(), nil
}

// rubyMarshal writes the subset of Ruby's Marshal format (4.8) a gemspec
// needs. Symbols are written out each time, never linked.
type rubyMarshal struct{ b bytes.Buffer }

func (m *rubyMarshal) header() { m.b.Write([]byte{4, 8}) }
func (m *rubyMarshal) nil()    { m.b.WriteByte('0') }
func (m *rubyMarshal) hash0()  { m.b.WriteByte('{'); m.fixnum(0) }
func (m *rubyMarshal) bool(v bool) {
	if v {
		m.b.WriteByte('T')
	} else {
		m.b.WriteByte('F')
	}
}
func (m *rubyMarshal) int(n int)   { m.b.WriteByte('i'); m.fixnum(n) }
func (m *rubyMarshal) array(n int) { m.b.WriteByte('['); m.fixnum(n) }

// fixnum writes Marshal's packed integer (0 ≤ n < 2^16 is all a gemspec needs).
func (m *rubyMarshal) fixnum(n int) {
	switch {
	case n == 0:
		m.b.WriteByte(0)
	case n > 0 && n < 123:
		m.b.WriteByte(byte(n + 5))
	case n > 0 && n < 256:
		m.b.Write([]byte{1, byte(n)})
	default:
		m.b.Write([]byte{2, byte(n), byte(n >> 8)})
	}
}

func (m *rubyMarshal) rawBytes(s []byte) { m.fixnum(len(s)); m.b.Write(s) }
func (m *rubyMarshal) symbol(s string)   { m.b.WriteByte(':'); m.rawBytes([]byte(s)) }

// str writes a UTF-8 string: the bytes with the encoding instance
// variable E = true.
func (m *rubyMarshal) str(s string) {
	m.b.WriteByte('I')
	m.b.WriteByte('"')
	m.rawBytes([]byte(s))
	m.fixnum(1)
	m.symbol("E")
	m.bool(true)
}

// userMarshal writes an object of a class with marshal_dump: body writes
// the dumped value.
func (m *rubyMarshal) userMarshal(class string, body func()) {
	m.b.WriteByte('U')
	m.symbol(class)
	body()
}

// userDefined writes an object of a class with _dump: data is its string.
func (m *rubyMarshal) userDefined(class string, data []byte) {
	m.b.WriteByte('u')
	m.symbol(class)
	m.rawBytes(data)
}

// object writes a plain object with n instance variables; body writes each
// name through ivar, then its value.
func (m *rubyMarshal) object(class string, n int, body func(ivar func(string))) {
	m.b.WriteByte('o')
	m.symbol(class)
	m.fixnum(n)
	body(m.symbol)
}
