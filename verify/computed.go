package verify

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"hash"
	"io"
	"os"
	"strings"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/mod/modfile"
	"golang.org/x/mod/sumdb/dirhash"

	"github.com/depaudit/depaudit/capture"
)

// zipH1 spools a Go module zip to a temporary file as it streams and
// computes its dirhash h1 (what the checksum database publishes) when it
// ended whole. Memory stays flat: the zip is on disk.
type zipH1 struct {
	subject string
	f       *os.File
	n, max  int64
	failed  bool
}

func newZipH1(subject string, opts Options) capture.BodyInspector {
	f, err := os.CreateTemp(opts.TempDir, "depaudit-modzip-*.zip")
	if err != nil {
		return nil
	}
	return &zipH1{subject: subject, f: f, max: opts.MaxZip}
}

func (z *zipH1) Write(p []byte) (int, error) {
	if z.failed {
		return len(p), nil
	}
	z.n += int64(len(p))
	if z.n > z.max {
		z.failed = true
		return len(p), nil
	}
	if _, err := z.f.Write(p); err != nil {
		z.failed = true
	}
	return len(p), nil
}

func (z *zipH1) Finish(complete bool) []capture.Digest {
	name := z.f.Name()
	defer os.Remove(name)
	if err := z.f.Close(); err != nil || z.failed || !complete {
		return nil
	}
	h1, err := dirhash.HashZip(name, dirhash.Hash1)
	if err != nil {
		return nil
	}
	return []capture.Digest{{Subject: z.subject, Algorithm: AlgH1, Value: h1, Source: SourceComputed}}
}

// maxGoMod is the go command's own limit on a go.mod file.
const maxGoMod = 16 << 20

// modH1 computes the h1 of a go.mod file ("/go.mod h1:" in go.sum).
type modH1 struct {
	subject string
	buf     bytes.Buffer
	failed  bool
}

func newModH1(subject string) capture.BodyInspector { return &modH1{subject: subject} }

func (m *modH1) Write(p []byte) (int, error) {
	if !m.failed && m.buf.Len()+len(p) <= maxGoMod {
		m.buf.Write(p)
	} else {
		m.failed = true
	}
	return len(p), nil
}

func (m *modH1) Finish(complete bool) []capture.Digest {
	if m.failed || !complete {
		return nil
	}
	body := m.buf.Bytes()
	h1, err := dirhash.Hash1([]string{"go.mod"}, func(string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(body)), nil
	})
	if err != nil {
		return nil
	}
	out := []capture.Digest{{Subject: m.subject, Algorithm: AlgH1, Value: h1, Source: SourceComputed}}
	return append(out, goRequires(strings.TrimSuffix(m.subject, "/go.mod"), body)...)
}

// FactRequires is a dependency a package's metadata declares: Value is
// "NAME@VERSION-OR-RANGE" as the ecosystem writes it (a Go module path and
// its minimum version).
const FactRequires = "requires"

// goRequires returns the require lines of a go.mod as facts of subject
// ("golang:MODULE@VERSION"): the modules, at their minimum versions, the
// module's build selects from.
func goRequires(subject string, gomod []byte) []capture.Digest {
	f, err := modfile.ParseLax("go.mod", gomod, nil)
	if err != nil {
		return nil
	}
	var out []capture.Digest
	for _, r := range f.Require {
		out = append(out, capture.Digest{Subject: subject, Algorithm: FactRequires, Value: r.Mod.Path + "@" + r.Mod.Version, Source: SourceFact})
	}
	return out
}

// hashInspector computes one hash over an artifact and, optionally,
// reports a digest the artifact's URL publishes.
type hashInspector struct {
	subject, alg string
	h            hash.Hash
	published    string
}

// newBLAKE2b hashes a files.pythonhosted.org file, whose path publishes
// its BLAKE2b-256.
func newBLAKE2b(subject, published string) capture.BodyInspector {
	h, err := blake2b.New256(nil)
	if err != nil {
		return nil
	}
	return &hashInspector{subject: subject, alg: AlgBLAKE2b, h: h, published: published}
}

// newMD5 hashes a Maven artifact, for registries that only publish a .md5.
func newMD5(subject string) capture.BodyInspector {
	return &hashInspector{subject: subject, alg: AlgMD5, h: md5.New()}
}

func (hi *hashInspector) Write(p []byte) (int, error) { return hi.h.Write(p) }

func (hi *hashInspector) Finish(complete bool) []capture.Digest {
	var out []capture.Digest
	if hi.published != "" {
		out = append(out, capture.Digest{Subject: hi.subject, Algorithm: hi.alg, Value: hi.published, Source: SourcePublished})
	}
	if complete {
		out = append(out, capture.Digest{Subject: hi.subject, Algorithm: hi.alg, Value: hex.EncodeToString(hi.h.Sum(nil)), Source: SourceComputed})
	}
	return out
}
