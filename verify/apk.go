package verify

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/url"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// Body kinds of Alpine repositories.
const (
	// bodyAPKIndex is APKINDEX.tar.gz: the control-segment checksum (C:) of
	// every package of the directory.
	bodyAPKIndex bodyKind = 400 + iota
	// bodyAPKFile is a package: the SHA-1 of its control segment is
	// computed as it streams.
	bodyAPKFile
)

// Algorithms of Alpine packages.
const (
	// AlgAPKControl is the SHA-1 of an .apk's control segment (its second
	// gzip stream), in hex: what APKINDEX's "C:Q1<base64>" gives.
	AlgAPKControl = "apk-control-sha1"
	// AlgAPKData is the SHA-256 of an .apk's data segment (its third gzip
	// stream): what the control segment's .PKGINFO gives as datahash.
	AlgAPKData = "apk-data-sha256"
)

// maxAPKIndexLine bounds one line of an APKINDEX.
const maxAPKIndexLine = 1 << 20

// apkPlan decides what to do with an Alpine repository body.
func apkPlan(p plan, f classify.Finding, u *url.URL) plan {
	switch {
	case f.Kind == classify.KindMetadata && strings.HasSuffix(u.Path, "/APKINDEX.tar.gz"):
		p.kind, p.source = bodyAPKIndex, "APKINDEX"
	case f.Kind == classify.KindArtifact && strings.HasSuffix(u.Path, ".apk"):
		p.kind = bodyAPKFile
	}
	return p
}

// parseAPKIndex reads APKINDEX.tar.gz (a gzip-compressed tar, after an
// optional signature stream) and emits, for each package, the SHA-1 of its
// control segment (subject: the package's URL in the index's directory).
func parseAPKIndex(r io.Reader, p plan, emit func(capture.Digest)) error {
	dir := p.base.ResolveReference(&url.URL{Path: "./"})
	dir.RawQuery, dir.Fragment = "", ""
	zr, err := gzip.NewReader(bufio.NewReader(r))
	if err != nil {
		return fmt.Errorf("APKINDEX: %w", err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("APKINDEX: %w", err)
		}
		if h.Name != "APKINDEX" {
			continue
		}
		return parseAPKIndexText(tr, dir, emit)
	}
}

// parseAPKIndexText reads the APKINDEX text: records of "K:value" lines
// separated by blank lines (P: name, V: version, C: checksum).
func parseAPKIndexText(r io.Reader, dir *url.URL, emit func(capture.Digest)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxAPKIndexLine)
	var name, version, sum string
	flush := func() {
		if name != "" && version != "" && sum != "" && !strings.ContainsAny(name+version, "/?#%") {
			if subject := dir.ResolveReference(&url.URL{Path: name + "-" + version + ".apk"}).String(); subject != "" {
				emit(capture.Digest{Subject: subject, Algorithm: AlgAPKControl, Value: sum, Source: SourcePublished})
			}
		}
		name, version, sum = "", "", ""
	}
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			flush()
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch k {
		case "P":
			name = v
		case "V":
			version = v
		case "C":
			sum = apkChecksum(v)
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return fmt.Errorf("APKINDEX: %w", err)
	}
	return nil
}

// apkChecksum reads "Q1<base64 SHA-1>" as hex, "" when malformed.
func apkChecksum(s string) string {
	b64, ok := strings.CutPrefix(s, "Q1")
	if !ok {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != sha1.Size {
		return ""
	}
	return hex.EncodeToString(raw)
}

// apkReader reads a body byte by byte for gzip (which then reads no
// further than the end of a member), counting and optionally hashing what
// it hands out.
type apkReader struct {
	br *bufio.Reader
	h  hash.Hash // nil when not hashing
}

func (a *apkReader) ReadByte() (byte, error) {
	c, err := a.br.ReadByte()
	if err == nil && a.h != nil {
		a.h.Write([]byte{c})
	}
	return c, err
}

func (a *apkReader) Read(p []byte) (int, error) {
	n, err := a.br.Read(p)
	if a.h != nil {
		a.h.Write(p[:n])
	}
	return n, err
}

// apkControlSHA1 computes, as the package streams, the SHA-1 of its
// second gzip member (the control segment; the first is the signature)
// and emits it as a computed digest of subject; it also emits the
// datahash the control segment's .PKGINFO publishes for the data segment
// (the rest of the file) and the SHA-256 computed over that segment, so
// that the data is vouched for too. A package that does not have two whole
// gzip members gets none.
func apkControlSHA1(r io.Reader, subject string, emit func(capture.Digest)) error {
	a := &apkReader{br: bufio.NewReaderSize(r, 32<<10)}
	zr, err := gzip.NewReader(a)
	if err != nil {
		return fmt.Errorf("apk signature segment: %w", err)
	}
	zr.Multistream(false)
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return fmt.Errorf("apk signature segment: %w", err)
	}
	a.h = sha1.New()
	if err := zr.Reset(a); err != nil {
		return fmt.Errorf("apk control segment: %w", err)
	}
	zr.Multistream(false)
	datahash, err := apkDatahash(zr)
	if err != nil {
		return fmt.Errorf("apk control segment: %w", err)
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return fmt.Errorf("apk control segment: %w", err)
	}
	emit(capture.Digest{Subject: subject, Algorithm: AlgAPKControl, Value: hex.EncodeToString(a.h.Sum(nil)), Source: SourceComputed})
	if datahash == "" {
		_, _ = io.Copy(io.Discard, a.br)
		return nil
	}
	data := sha256.New()
	if _, err := io.Copy(data, a.br); err != nil {
		return fmt.Errorf("apk data segment: %w", err)
	}
	emit(capture.Digest{Subject: subject, Algorithm: AlgAPKData, Value: datahash, Source: SourcePublished})
	emit(capture.Digest{Subject: subject, Algorithm: AlgAPKData, Value: hex.EncodeToString(data.Sum(nil)), Source: SourceComputed})
	return nil
}

// apkDatahash reads the control segment's tar for .PKGINFO's datahash
// (hex SHA-256), "" when it has none.
func apkDatahash(r io.Reader) (string, error) {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		if h.Name != ".PKGINFO" {
			continue
		}
		sc := bufio.NewScanner(io.LimitReader(tr, 1<<20))
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), " = "); ok && k == "datahash" {
				return normalHex(AlgSHA256, v), nil
			}
		}
		return "", sc.Err()
	}
}
