package verify

import (
	"compress/bzip2"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/klauspost/compress/zstd"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// condaRepodataEntry is what is read of one package record.
type condaRepodataEntry struct {
	SHA256 string `json:"sha256"`
}

// parseCondaRepodata streams a conda channel's repodata.json (or its .zst
// or .bz2 form, decompressed as it streams) and emits the SHA-256 of every
// package it lists, with the package's URL (the repodata's directory, or
// info.base_url in repodata v2, plus the file name) as subject. One
// package record is held at a time: conda-forge's repodata is hundreds of
// megabytes.
func parseCondaRepodata(r io.Reader, p plan, emit func(capture.Digest)) error {
	path := ""
	if p.base != nil {
		path = p.base.Path
	}
	switch {
	case strings.HasSuffix(path, ".zst"):
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(64<<20))
		if err != nil {
			return fmt.Errorf("conda repodata: %w", err)
		}
		defer zr.Close()
		r = zr
	case strings.HasSuffix(path, ".bz2"):
		r = bzip2.NewReader(r)
	}
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return fmt.Errorf("conda repodata: %w", err)
	}
	dir := resolveURL(p.base, "./")
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return fmt.Errorf("conda repodata: %w", err)
		}
		switch key {
		case "info":
			var info struct {
				BaseURL string `json:"base_url"`
			}
			if err := dec.Decode(&info); err != nil {
				return fmt.Errorf("conda repodata info: %w", err)
			}
			if info.BaseURL != "" {
				if b := resolveURL(p.base, strings.TrimSuffix(info.BaseURL, "/")+"/"); b != "" {
					dir = b
				}
			}
		case "packages", "packages.conda":
			if err := expectDelim(dec, '{'); err != nil {
				return fmt.Errorf("conda repodata %s: %w", key, err)
			}
			for dec.More() {
				fn, err := objectKey(dec)
				if err != nil {
					return fmt.Errorf("conda repodata %s: %w", key, err)
				}
				var e condaRepodataEntry
				if err := dec.Decode(&e); err != nil {
					return fmt.Errorf("conda repodata %s: %w", fn, err)
				}
				v := normalHex(AlgSHA256, e.SHA256)
				if v == "" || dir == "" || fn == "" || strings.ContainsAny(fn, "/?#\\") {
					continue
				}
				if subject := resolveURL(p.base, dir+fn); subject != "" {
					emit(capture.Digest{Subject: subject, Algorithm: AlgSHA256, Value: v, Source: SourcePublished})
				}
			}
			if err := expectDelim(dec, '}'); err != nil {
				return fmt.Errorf("conda repodata %s: %w", key, err)
			}
		default:
			if err := skipValue(dec); err != nil {
				return fmt.Errorf("conda repodata: %w", err)
			}
		}
	}
	return nil
}

// maxPending bounds the entries of a pendingDigests table (about 60 bytes
// each): more packages than every subdir of conda-forge lists.
const maxPending = 4 << 20

// pendingDigests holds, for one run, the digests that metadata too large
// to record whole (conda repodata) published, until the build downloads
// one of the packages: that exchange then records the digest of its own
// file. Keys are truncated SHA-256s of the URL keys.
type pendingDigests struct {
	mu sync.Mutex
	m  map[[12]byte][32]byte
}

func pendingKey(rawURL string) ([12]byte, bool) {
	k := urlkey.Key(rawURL)
	if k == "" {
		return [12]byte{}, false
	}
	s := sha256.Sum256([]byte(k))
	return [12]byte(s[:12]), true
}

// add records a published SHA-256 digest.
func (t *pendingDigests) add(d capture.Digest) {
	if d.Algorithm != AlgSHA256 || d.Source != SourcePublished {
		return
	}
	k, ok := pendingKey(d.Subject)
	raw, err := hex.DecodeString(d.Value)
	if !ok || err != nil || len(raw) != 32 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.m == nil {
		t.m = map[[12]byte][32]byte{}
	}
	if len(t.m) < maxPending {
		t.m[k] = [32]byte(raw)
	}
}

// lookup returns the published SHA-256 of the file at rawURL, "" when none
// was seen.
func (t *pendingDigests) lookup(rawURL string) string {
	k, ok := pendingKey(rawURL)
	if !ok {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	v, found := t.m[k]
	if !found {
		return ""
	}
	return hex.EncodeToString(v[:])
}

// pendingInspector records, when a package's body ends, the digest its
// channel's repodata published for it.
type pendingInspector struct {
	t   *pendingDigests
	url string
}

func (i *pendingInspector) Write(p []byte) (int, error) { return len(p), nil }

func (i *pendingInspector) Finish(complete bool) []capture.Digest {
	v := i.t.lookup(i.url)
	if v == "" {
		return nil
	}
	return []capture.Digest{{Subject: i.url, Algorithm: AlgSHA256, Value: v, Source: SourcePublished}}
}
