package verify

import (
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// Algorithm names, as recorded in capture.Digest.Algorithm.
const (
	AlgSHA256  = "sha256"
	AlgSHA512  = "sha512"
	AlgSHA384  = "sha384"
	AlgSHA1    = "sha1"
	AlgMD5     = "md5"
	AlgBLAKE2b = "blake2b-256"
	// AlgH1 is the Go checksum database's dirhash ("h1:" + base64).
	AlgH1 = "h1"
)

// Sources of a recorded digest (capture.Digest.Source).
const (
	// SourcePublished marks a digest a registry published: in metadata, a
	// sidecar, or the artifact's own URL.
	SourcePublished = "published"
	// SourceComputed marks a digest computed over the exchange's body.
	SourceComputed = "computed"
)

// goSubjectPrefix starts the subject of a Go module digest:
// "golang:MODULE@VERSION" for the zip, with "/go.mod" appended for the
// go.mod file, the form the checksum database itself uses.
const goSubjectPrefix = "golang:"

// hexLen is the length in hex digits of the digests that have a fixed one.
var hexLen = map[string]int{AlgSHA256: 64, AlgSHA512: 128, AlgSHA384: 96, AlgSHA1: 40, AlgMD5: 32, AlgBLAKE2b: 64}

// normalHex returns s lower-cased when it is a well-formed hex digest of
// alg, or "" when it is not.
func normalHex(alg, s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	n, ok := hexLen[alg]
	if !ok || len(s) != n {
		return ""
	}
	if _, err := hex.DecodeString(s); err != nil {
		return ""
	}
	return s
}

// parseSRI reads a Subresource Integrity string ("sha512-BASE64", several
// separated by spaces, options after "?") into hex digests.
func parseSRI(s string) []capture.Digest {
	var out []capture.Digest
	for _, part := range strings.Fields(s) {
		alg, b64, ok := strings.Cut(part, "-")
		if !ok {
			continue
		}
		b64, _, _ = strings.Cut(b64, "?")
		alg = strings.ToLower(alg)
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			continue
		}
		if v := normalHex(alg, hex.EncodeToString(raw)); v != "" {
			out = append(out, capture.Digest{Algorithm: alg, Value: v, Source: SourcePublished})
		}
	}
	return out
}

// resolveURL makes ref absolute against base (nil: ref must be absolute);
// "" when it cannot.
func resolveURL(base *url.URL, ref string) string {
	b := ""
	if base != nil {
		b = base.String()
	}
	return urlkey.Resolve(b, ref)
}
