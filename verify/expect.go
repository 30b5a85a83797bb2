package verify

import (
	"net/url"
	"strings"
	"sync"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// NewEnforceHooks returns the hooks of NewHooks and a capture.ExpectFunc
// for a build in enforce mode: the digests the run's registry metadata
// published so far for an artifact's URL (an npm packument's integrity
// and shasum, a PyPI page's sha256, a Maven .sha1 or .sha512 fetched
// before its jar, an apt Packages stanza…, following the redirects seen),
// and the digest an OCI blob's URL names. The proxy then never hands a
// body that differs from them to the client whole. The published digests
// are kept in memory for the run: enforce mode pays that for the check.
func NewEnforceHooks(c Classifier, opts Options, extra capture.Hashes) (capture.InspectFunc, capture.HashesFunc, capture.ExpectFunc) {
	redirects := &redirectMemo{}
	inspect, hashes := newHooks(c, opts, extra, redirects)
	exp := &expectations{}
	wrapped := func(x *capture.Exchange) capture.BodyInspector {
		bi := inspect(x)
		if bi == nil {
			return nil
		}
		return &expectingInspector{BodyInspector: bi, exp: exp}
	}
	expect := func(x *capture.Exchange) []capture.Digest {
		out := exp.lookup(x.URL)
		if origin := redirects.origin(x.URL); origin != "" {
			out = append(out, exp.lookup(origin)...)
		}
		return append(out, ociURLDigest(x.URL)...)
	}
	return wrapped, hashes, expect
}

// expectations are the published digests of artifact URLs seen so far in
// a run, by URL key.
type expectations struct {
	mu sync.Mutex
	m  map[string][]capture.Digest
}

// add keeps the published digests of ds whose subject is a URL, of the
// algorithms the proxy computes.
func (e *expectations) add(ds []capture.Digest) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, d := range ds {
		if d.Source != SourcePublished || (d.Algorithm != AlgSHA256 && d.Algorithm != AlgSHA512 && d.Algorithm != AlgSHA1) {
			continue
		}
		if !strings.HasPrefix(d.Subject, "https://") && !strings.HasPrefix(d.Subject, "http://") {
			continue
		}
		k := urlkey.Key(d.Subject)
		if k == "" {
			continue
		}
		if e.m == nil {
			e.m = map[string][]capture.Digest{}
		}
		e.m[k] = append(e.m[k], capture.Digest{Algorithm: d.Algorithm, Value: d.Value, Source: SourcePublished})
	}
}

func (e *expectations) lookup(rawURL string) []capture.Digest {
	k := urlkey.Key(rawURL)
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]capture.Digest(nil), e.m[k]...)
}

// expectingInspector passes what an inspector found to the expectations.
type expectingInspector struct {
	capture.BodyInspector
	exp *expectations
}

func (i *expectingInspector) Finish(complete bool) []capture.Digest {
	ds := i.BodyInspector.Finish(complete)
	if complete {
		i.exp.add(ds)
	}
	return ds
}

// ociURLDigest is the digest an OCI blob or manifest URL names
// (/v2/NAME/blobs/sha256:HEX), none for other URLs.
func ociURLDigest(rawURL string) []capture.Digest {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.HasPrefix(u.Path, "/v2/") {
		return nil
	}
	i := strings.LastIndex(u.Path, "/")
	dir, ref := u.Path[:i], u.Path[i+1:]
	if !strings.HasSuffix(dir, "/blobs") && !strings.HasSuffix(dir, "/manifests") {
		return nil
	}
	if v := normalHex(AlgSHA256, strings.TrimPrefix(ref, "sha256:")); v != "" && strings.HasPrefix(ref, "sha256:") {
		return []capture.Digest{{Algorithm: AlgSHA256, Value: v, Source: SourcePublished}}
	}
	return nil
}
