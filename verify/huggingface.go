package verify

import (
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// huggingFaceInspector reads what the Hugging Face hub says of a file in
// its response headers, whatever the body (a HEAD, or the redirect to the
// CDN that serves an LFS file): X-Linked-Etag (or, for a file served
// directly, ETag) is the SHA-256 of an LFS file, X-Repo-Commit the commit
// the revision resolved to, which names the model version.
type huggingFaceInspector struct {
	x capture.Exchange
	p plan
}

func (h *huggingFaceInspector) Write(b []byte) (int, error) { return len(b), nil }

func (h *huggingFaceInspector) Finish(complete bool) []capture.Digest {
	return huggingFaceFacts(h.p, h.x.URL, h.x.Status, h.x.Headers)
}

// huggingFaceFacts are the digest and the declaration the hub's headers
// give for the file at rawURL.
func huggingFaceFacts(p plan, rawURL string, status int, headers map[string]string) []capture.Digest {
	var out []capture.Digest
	etag := unquoteETag(headers["X-Linked-Etag"])
	if etag == "" && status >= 200 && status < 300 {
		etag = unquoteETag(headers["Etag"])
	}
	if v := normalHex(AlgSHA256, etag); v != "" {
		out = append(out, capture.Digest{Subject: rawURL, Algorithm: AlgSHA256, Value: v, Source: SourcePublished})
	}
	commit := strings.ToLower(strings.TrimSpace(headers["X-Repo-Commit"]))
	if len(commit) == 40 && normalHex(AlgSHA1, commit) != "" {
		if pu, err := classify.ParsePURL(p.f.PURL); err == nil && pu.Version != commit {
			if d, ok := declare(p, rawURL, classify.HuggingFacePURL(pu.Namespace, pu.Name, commit, pu.Subpath)); ok {
				out = append(out, d)
			}
		}
	}
	return out
}

// unquoteETag strips the weak marker and quotes of an ETag.
func unquoteETag(s string) string {
	s = strings.TrimPrefix(strings.TrimSpace(s), "W/")
	return strings.Trim(s, `"`)
}
