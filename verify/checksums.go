package verify

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// maxChecksumLine bounds one line of a checksum file.
const maxChecksumLine = 64 << 10

// parseChecksums reads a checksum file published beside release files:
// GNU coreutils lines ("HEX  FILE", "HEX *FILE"), BSD lines ("SHA256
// (FILE) = HEX"), or a lone digest (FILE.sha256 holds the digest of FILE).
// The algorithm follows from the digest's length (SHA-256 or SHA-512);
// each file name resolves against the checksum file's URL. A PGP
// clear-signed file (SHASUMS256.txt.asc) reads the same: its other lines
// are ignored.
func parseChecksums(r io.Reader, p plan, emit func(capture.Digest)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxChecksumLine)
	for sc.Scan() {
		alg, value, file, ok := ChecksumLine(sc.Text())
		if !ok {
			continue
		}
		subject := ""
		if file == "" {
			subject = sidecarSubject(p)
		} else if !strings.ContainsAny(file, "?#\\") {
			subject = resolveURL(p.base, file)
		}
		if urlkey.Key(subject) == "" {
			continue
		}
		emit(capture.Digest{Subject: subject, Algorithm: alg, Value: value, Source: SourcePublished})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("checksum file: %w", err)
	}
	return nil
}

// sidecarSubject is the file a FILE.sha256-style sidecar is about.
func sidecarSubject(p plan) string {
	if p.base == nil || p.base.RawQuery != "" {
		return ""
	}
	u := *p.base
	u.RawPath = ""
	for _, ext := range [...]string{".sha256.txt", ".sha512.txt", ".sha256sum", ".sha512sum", ".sha256", ".sha512"} {
		if s, ok := cutSuffixFold(u.Path, ext); ok {
			u.Path = s
			return u.String()
		}
	}
	return ""
}

func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) > len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

// ChecksumLine reads one line of a checksum file: the algorithm (sha256
// or sha512, by the digest's length), the lower-case hex digest and the
// file name ("" for a line that is the digest alone).
func ChecksumLine(line string) (alg, value, file string, ok bool) {
	line = strings.TrimSpace(line)
	if line == "" || strings.HasPrefix(line, "#") {
		return "", "", "", false
	}
	// BSD: SHA256 (file) = hex
	if open := strings.Index(line, " ("); open > 0 {
		if close := strings.LastIndex(line, ") = "); close > open {
			alg = strings.ToLower(strings.ReplaceAll(line[:open], "-", ""))
			value = normalHex(alg, line[close+4:])
			file = line[open+2 : close]
			if (alg == AlgSHA256 || alg == AlgSHA512) && value != "" && file != "" {
				return alg, value, path.Clean("/" + file)[1:], true
			}
			return "", "", "", false
		}
	}
	hexPart, rest, _ := strings.Cut(line, " ")
	switch len(hexPart) {
	case 64:
		alg = AlgSHA256
	case 128:
		alg = AlgSHA512
	default:
		return "", "", "", false
	}
	if value = normalHex(alg, hexPart); value == "" {
		return "", "", "", false
	}
	file = strings.TrimPrefix(strings.TrimSpace(rest), "*")
	if strings.ContainsAny(file, " \t") {
		return "", "", "", false
	}
	return alg, value, file, true
}

// parseRustManifest reads a Rust channel manifest (channel-rust-stable.toml,
// what rustup fetches): every package table's url/hash and xz_url/xz_hash
// pairs give the SHA-256 of that file. Read line by line; a table's pairs
// are matched within the table.
func parseRustManifest(r io.Reader, p plan, emit func(capture.Digest)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxChecksumLine)
	fields := map[string]string{}
	flush := func() {
		for _, pre := range [...]string{"", "xz_"} {
			u, h := fields[pre+"url"], normalHex(AlgSHA256, fields[pre+"hash"])
			if urlkey.Key(u) != "" && h != "" {
				emit(capture.Digest{Subject: u, Algorithm: AlgSHA256, Value: h, Source: SourcePublished})
			}
		}
		clear(fields)
	}
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			flush()
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		switch k {
		case "url", "hash", "xz_url", "xz_hash":
			var s string
			if json.Unmarshal([]byte(strings.TrimSpace(v)), &s) == nil {
				fields[k] = s
			}
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return fmt.Errorf("rust channel manifest: %w", err)
	}
	return nil
}

// parseAdoptium streams an Adoptium API response (/v3/assets/…) and emits
// every binary's published SHA-256 (package.checksum, installer.checksum)
// with the binary's link (a GitHub release asset) as subject.
func parseAdoptium(r io.Reader, p plan, emit func(capture.Digest)) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("adoptium: %w", err)
	}
	d, ok := tok.(json.Delim)
	if !ok || (d != '[' && d != '{') {
		return fmt.Errorf("adoptium: want an array or object, got %v", tok)
	}
	return walkAdoptium(dec, d, p, emit, 0)
}

// walkAdoptium reads the rest of an array or object whose delimiter open
// was read, emitting each object's checksum/link pair.
func walkAdoptium(dec *json.Decoder, open json.Delim, p plan, emit func(capture.Digest), depth int) error {
	if depth > 16 {
		return errDepth
	}
	var checksum, link string
	for dec.More() {
		key := ""
		if open == '{' {
			k, err := objectKey(dec)
			if err != nil {
				return fmt.Errorf("adoptium: %w", err)
			}
			key = k
		}
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("adoptium: %w", err)
		}
		switch v := tok.(type) {
		case json.Delim:
			if err := walkAdoptium(dec, v, p, emit, depth+1); err != nil {
				return err
			}
		case string:
			switch key {
			case "checksum":
				checksum = v
			case "link":
				link = v
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("adoptium: %w", err)
	}
	if h := normalHex(AlgSHA256, checksum); h != "" && link != "" {
		if u := resolveURL(p.base, link); urlkey.Key(u) != "" {
			emit(capture.Digest{Subject: u, Algorithm: AlgSHA256, Value: h, Source: SourcePublished})
		}
	}
	return nil
}
