package capture

import (
	"net/http"
	"strings"
)

// DigestHeaders are the response headers an Exchange keeps: those in
// which servers state a digest of, or a version identifier for, what they
// serve (ETag, the Hugging Face hub's X-Linked-Etag and X-Repo-Commit,
// RFC 9530's Repr-Digest, object stores' checksums; an OCI registry's
// Docker-Content-Digest has a field of its own, ContentDigest). None of
// them carries a credential.
var DigestHeaders = []string{
	"Etag",
	"X-Linked-Etag",
	"X-Linked-Size",
	"X-Repo-Commit",
	"Digest",
	"Repr-Digest",
	"Content-Digest",
	"Content-Md5",
	"X-Goog-Hash",
	"X-Amz-Checksum-Sha256",
}

// maxHeaderValue bounds a kept header value.
const maxHeaderValue = 512

// digestHeaders picks the DigestHeaders out of h; nil when there are none.
func digestHeaders(h http.Header) map[string]string {
	var out map[string]string
	for _, name := range DigestHeaders {
		v := strings.TrimSpace(h.Get(name))
		if v == "" || len(v) > maxHeaderValue {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[name] = v
	}
	return out
}
