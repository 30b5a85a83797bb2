package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"golang.org/x/net/html"

	"github.com/depaudit/depaudit/capture"
)

// maxHTMLToken bounds the tokenizer's buffer: one tag or text run.
const maxHTMLToken = 1 << 20

// parsePyPIHTML streams a PEP 503 simple page and emits the digest in each
// file link's fragment (#sha256=HEX, or another hashlib name).
func parsePyPIHTML(r io.Reader, p plan, emit func(capture.Digest)) error {
	z := html.NewTokenizer(r)
	z.SetMaxBuf(maxHTMLToken)
	base := p.base
	for {
		switch z.Next() {
		case html.ErrorToken:
			if z.Err() == io.EOF {
				return nil
			}
			return fmt.Errorf("PyPI simple page: %w", z.Err())
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if !hasAttr || (string(name) != "a" && string(name) != "base") {
				continue
			}
			var href string
			for {
				k, v, more := z.TagAttr()
				if string(k) == "href" {
					href = string(v)
				}
				if !more {
					break
				}
			}
			if href == "" {
				continue
			}
			if string(name) == "base" {
				if b, err := url.Parse(resolveURL(base, href)); err == nil && b.IsAbs() {
					base = b
				}
				continue
			}
			emitFragment(base, href, emit)
		}
	}
}

// emitFragment emits the digest a link's "#alg=HEX" fragment names.
func emitFragment(base *url.URL, href string, emit func(capture.Digest)) {
	_, frag, ok := strings.Cut(href, "#")
	if !ok {
		return
	}
	alg, value, ok := strings.Cut(frag, "=")
	if !ok {
		return
	}
	alg = strings.ToLower(alg)
	v := normalHex(alg, value)
	subject := resolveURL(base, href)
	if v == "" || subject == "" {
		return
	}
	emit(capture.Digest{Subject: subject, Algorithm: alg, Value: v, Source: SourcePublished})
}

// pypiFile is one entry of a PEP 691 files list.
type pypiFile struct {
	URL    string            `json:"url"`
	Hashes map[string]string `json:"hashes"`
}

// parsePyPIJSON streams a PEP 691 JSON simple page and emits each file's
// hashes; one file entry is held in memory at a time.
func parsePyPIJSON(r io.Reader, p plan, emit func(capture.Digest)) error {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return fmt.Errorf("PyPI JSON page: %w", err)
	}
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return fmt.Errorf("PyPI JSON page: %w", err)
		}
		if key != "files" {
			if err := skipValue(dec); err != nil {
				return fmt.Errorf("PyPI JSON page: %w", err)
			}
			continue
		}
		if err := expectDelim(dec, '['); err != nil {
			return fmt.Errorf("PyPI JSON files: %w", err)
		}
		for dec.More() {
			var f pypiFile
			if err := dec.Decode(&f); err != nil {
				return fmt.Errorf("PyPI JSON file: %w", err)
			}
			emitFileHashes(resolveURL(p.base, f.URL), f.Hashes, emit)
		}
		if err := expectDelim(dec, ']'); err != nil {
			return fmt.Errorf("PyPI JSON files: %w", err)
		}
	}
	return nil
}

// pythonhostedBLAKE2b returns the hex BLAKE2b-256 that a Warehouse file
// URL encodes in its path: /packages/{h[0:2]}/{h[2:4]}/{h[4:]}/{filename}.
func pythonhostedBLAKE2b(u *url.URL) (string, bool) {
	segs := strings.Split(strings.TrimPrefix(u.EscapedPath(), "/"), "/")
	if len(segs) < 5 || segs[len(segs)-5] != "packages" {
		return "", false
	}
	n := len(segs)
	a, b, c := segs[n-4], segs[n-3], segs[n-2]
	if len(a) != 2 || len(b) != 2 || len(c) != 60 {
		return "", false
	}
	v := normalHex(AlgBLAKE2b, a+b+c)
	return v, v != ""
}

// emitFileHashes emits the hashes a PyPI index states for the file at
// subject (hashlib names; "" subject: nothing). The BLAKE2b-256 the
// JSON API gives is left out: files.pythonhosted.org's URL names it.
func emitFileHashes(subject string, hashes map[string]string, emit func(capture.Digest)) {
	if subject == "" {
		return
	}
	for alg, value := range hashes {
		alg = strings.ToLower(alg)
		if alg == "blake2b_256" {
			continue
		}
		if v := normalHex(alg, value); v != "" {
			emit(capture.Digest{Subject: subject, Algorithm: alg, Value: v, Source: SourcePublished})
		}
	}
}
