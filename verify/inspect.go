package verify

import (
	"bufio"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// Options tune the inspectors.
type Options struct {
	// TempDir is where Go module zips are spooled while they stream
	// (dirhash needs the whole zip); "" means os.TempDir().
	TempDir string
	// MaxZip bounds the size of a spooled module zip; 0 means 512 MiB (the
	// go command's own limit is 500 MiB). A larger zip gets no h1.
	MaxZip int64
}

// defaultMaxZip is Options.MaxZip's default.
const defaultMaxZip = 512 << 20

// NewInspectFunc returns the capture hook that inspects registry metadata
// and artifacts as they stream through the proxy (see the package
// documentation). c classifies each response, as the SBOM will.
func NewInspectFunc(c Classifier, opts Options) capture.InspectFunc {
	return newInspectFunc(c, opts, &redirectMemo{})
}

// NewHooks returns the capture hooks of one run that share what they learn
// of it: the inspector of NewInspectFunc, and the choice of each body's
// digests (see HashesFor), with extra added to every body's.
func NewHooks(c Classifier, opts Options, extra capture.Hashes) (capture.InspectFunc, capture.HashesFunc) {
	return newHooks(c, opts, extra, &redirectMemo{})
}

func newHooks(c Classifier, opts Options, extra capture.Hashes, redirects *redirectMemo) (capture.InspectFunc, capture.HashesFunc) {
	hashes := func(x *capture.Exchange) capture.Hashes {
		hs := extra
		if x.Method != "" && x.Method != http.MethodGet {
			return hs
		}
		f := c.Classify(classify.Request{Method: x.Method, URL: x.URL, Status: x.Status, ContentType: x.ContentType, Location: x.Location})
		if f.Kind == classify.KindUnclassified || f.Ecosystem == classify.EcosystemGeneric {
			if origin := redirects.origin(x.URL); origin != "" {
				// A CDN URL a registry redirected to: the body is what
				// the redirecting URL names.
				if of := c.Classify(classify.Request{Method: x.Method, URL: origin, Status: x.Status, ContentType: x.ContentType}); of.Kind != classify.KindUnclassified {
					f = of
				}
			}
		}
		return hs | HashesFor(f)
	}
	return newInspectFunc(c, opts, redirects), hashes
}

// HashesFor returns the digests beyond SHA-256 that a body classified as f
// needs for its verification: SHA-512 and SHA-1 where its ecosystem's
// publishers list them (npm's integrity and shasum, Maven's sidecars,
// NuGet's SHA-512, Composer's shasum, RPM repodata, PyPI link fragments,
// checksum files of releases, toolchains and generic downloads), none for
// an ecosystem whose publishers list SHA-256 alone, nor for an
// unclassified body. Metadata gets its ecosystem's digests too: a Maven
// POM is a component, RPM repodata lists its own files' digests.
func HashesFor(f classify.Finding) capture.Hashes {
	if f.Kind == classify.KindUnclassified || f.Kind == "" {
		return 0
	}
	switch f.Ecosystem {
	case classify.EcosystemGo, classify.EcosystemCargo, classify.EcosystemOCI,
		classify.EcosystemConda, classify.EcosystemGem, classify.EcosystemDeb, classify.EcosystemHelm:
		return 0
	case classify.EcosystemNuGet:
		return capture.HashSHA512
	}
	return capture.AllHashes
}

func newInspectFunc(c Classifier, opts Options, redirects *redirectMemo) capture.InspectFunc {
	if opts.MaxZip <= 0 {
		opts.MaxZip = defaultMaxZip
	}
	pending := &pendingDigests{}
	return func(x *capture.Exchange) capture.BodyInspector {
		if x.Status >= 300 && x.Status < 400 && x.Location != "" {
			redirects.add(x.URL, x.Location)
		}
		// A body is read from the GETs answered 200: classified once,
		// for their headers and their body.
		get := x.Status == http.StatusOK && (x.Method == "" || x.Method == http.MethodGet)
		var f classify.Finding
		if get {
			f = c.Classify(classify.Request{Method: x.Method, URL: x.URL, Status: x.Status, ContentType: x.ContentType, Location: x.Location})
		}
		if (x.Status == http.StatusOK || (x.Status >= 300 && x.Status < 400)) && len(x.Headers) > 0 &&
			(x.Method == "" || x.Method == http.MethodGet || x.Method == http.MethodHead) {
			// Files whose digest is in the response headers.
			hf := f
			if !get {
				hf = c.Classify(classify.Request{Method: x.Method, URL: x.URL, Status: x.Status, Location: x.Location})
			}
			if p := planFor(hf, x.URL, x.ContentType); p.kind == bodyHuggingFace {
				return &huggingFaceInspector{x: capture.Exchange{URL: x.URL, Status: x.Status, Headers: x.Headers}, p: p}
			}
		}
		if !get {
			return nil
		}
		base := x.URL
		if origin := redirects.origin(x.URL); origin != "" && (f.Kind == classify.KindUnclassified || f.Ecosystem == classify.EcosystemGeneric) {
			// A CDN URL a registry redirected to: the body is what the
			// redirecting URL names (a release's checksums.txt).
			if of := c.Classify(classify.Request{Method: x.Method, URL: origin, Status: x.Status, ContentType: x.ContentType}); of.Kind != classify.KindUnclassified {
				f, base = of, origin
			}
		}
		p := planFor(f, base, x.ContentType)
		switch p.kind {
		case bodyCondaRepodata:
			// Repodata lists every package of a channel: its digests wait
			// in memory for the packages the build downloads, which record
			// their own (see pendingDigests).
			if !decodable(x.ContentEncoding) {
				return nil
			}
			return startStream(func(r io.Reader, _ func(capture.Digest)) error {
				dr, err := decodeBody(r, x.ContentEncoding)
				if err != nil {
					return err
				}
				return parseCondaRepodata(dr, p, pending.add)
			})
		case bodyCondaPackage:
			return &pendingInspector{t: pending, url: x.URL}
		}
		return newInspector(p, base, x.ContentEncoding, opts)
	}
}

// redirectMemo remembers, for one run, where redirects led: the first URL
// of each chain by its target.
type redirectMemo struct {
	mu sync.Mutex
	m  map[string]string
}

// maxRedirects bounds a redirectMemo.
const maxRedirects = 1 << 16

func (r *redirectMemo) add(from, location string) {
	target := urlkey.Key(urlkey.Resolve(from, location))
	if target == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]string{}
	}
	origin := from
	if o, ok := r.m[urlkey.Key(from)]; ok {
		origin = o
	}
	if len(r.m) < maxRedirects {
		r.m[target] = origin
	}
}

// origin returns the first URL of the redirect chain that led to rawURL,
// "" when none did.
func (r *redirectMemo) origin(rawURL string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.m[urlkey.Key(rawURL)]
}

// parsers are the metadata parsers, by body kind.
var parsers = map[bodyKind]func(io.Reader, plan, func(capture.Digest)) error{
	bodyNPM:              parseNPM,
	bodyPyPIHTML:         parsePyPIHTML,
	bodyPyPIJSON:         parsePyPIJSON,
	bodyGoLookup:         parseGoLookup,
	bodyMavenSidecar:     parseMavenSidecar,
	bodyCargoIndex:       parseCargoIndex,
	bodyGemInfo:          parseGemInfo,
	bodyComposer:         parseComposer,
	bodyNuGet:            parseNuGet,
	bodyCondaRepodata:    parseCondaRepodata,
	bodyChecksums:        parseChecksums,
	bodyRustManifest:     parseRustManifest,
	bodyAdoptium:         parseAdoptium,
	bodyDebRelease:       parseDebRelease,
	bodyDebPackages:      parseDebPackages,
	bodyOCIManifest:      parseOCIManifest,
	bodyRPMRepomd:        parseRPMRepomd,
	bodyRPMPrimary:       parseRPMPrimary,
	bodyAPKIndex:         parseAPKIndex,
	bodyPub:              parsePub,
	bodyHelmIndex:        parseHelmIndex,
	bodyMavenPOM:         parseMavenPOM,
	bodyNPMTarball:       parseNPMTarball,
	bodyCrate:            parseCrate,
	bodyPyPICoreMetadata: parsePyPICoreMetadata,
	bodyPyPIJSONAPI:      parsePyPIJSONAPI,
	bodyPyPIWheel:        parseWheel,
	bodyPyPISdist:        parseSdist,
	bodyHexPackage:       parseHexPackage,
	bodyCRANPackages:     parseCRANPackages,
	bodyPodspec:          parsePodspec,
}

// newInspector returns the inspector for a body that p describes, nil when
// there is nothing to do.
func newInspector(p plan, rawURL, encoding string, opts Options) capture.BodyInspector {
	if parse, ok := parsers[p.kind]; ok {
		if !decodable(encoding) {
			return nil
		}
		return startStream(func(r io.Reader, emit func(capture.Digest)) error {
			dr, err := decodeBody(r, encoding)
			if err != nil {
				return err
			}
			return parse(dr, p, emit)
		})
	}
	if !identity(encoding) {
		// Computed digests are over the file; a content-encoded body is not it.
		return nil
	}
	switch p.kind {
	case bodyGoZip:
		return newZipH1(p.subject, opts)
	case bodyGoMod:
		return newModH1(p.subject)
	case bodyPyPIFile:
		published, _ := pythonhostedBLAKE2b(p.base)
		blake := newBLAKE2b(rawURL, published)
		switch {
		case p.base != nil && strings.HasSuffix(p.base.Path, ".whl"):
			// A wheel is read for its METADATA too, an sdist for its
			// PKG-INFO.
			return teeInspector{blake, startStream(func(r io.Reader, emit func(capture.Digest)) error { return parseWheel(r, p, emit) })}
		case p.base != nil && strings.HasSuffix(p.base.Path, ".tar.gz"):
			return teeInspector{blake, startStream(func(r io.Reader, emit func(capture.Digest)) error { return parseSdist(r, p, emit) })}
		}
		return blake
	case bodyMavenArtifact:
		md5 := newMD5(rawURL)
		if p.base == nil || !strings.HasSuffix(p.base.Path, ".pom") {
			return md5
		}
		// A POM that is a component (a parent, the only file of its
		// version) is read for its facts too.
		return teeInspector{md5, startStream(func(r io.Reader, emit func(capture.Digest)) error { return parseMavenPOM(r, p, emit) })}
	case bodyCRANPackage:
		return newMD5(rawURL)
	case bodyAPKFile:
		return startStream(func(r io.Reader, emit func(capture.Digest)) error { return apkControlSHA1(r, rawURL, emit) })
	}
	return nil
}

// identity reports a body served without a content encoding.
func identity(encoding string) bool {
	e := strings.ToLower(strings.TrimSpace(encoding))
	return e == "" || e == "identity"
}

// decodable reports a content encoding the metadata parsers can undo.
func decodable(encoding string) bool {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity", "gzip", "x-gzip", "deflate":
		return true
	}
	return false
}

// decodeBody undoes a content encoding (see decodable).
func decodeBody(r io.Reader, encoding string) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "gzip", "x-gzip":
		return gzip.NewReader(r)
	case "deflate":
		// HTTP "deflate" is zlib-wrapped; a few servers send raw deflate.
		br := bufio.NewReader(r)
		if h, err := br.Peek(2); err == nil && h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
			return zlib.NewReader(br)
		}
		return flate.NewReader(br), nil
	}
	return r, nil
}

// streamInspector runs a pull parser over a body that is pushed to it: the
// parser reads from a pipe in its own goroutine, so that a document is
// parsed as it streams and never held whole.
type streamInspector struct {
	pw   *io.PipeWriter
	done chan struct{}
	out  []capture.Digest
}

// startStream starts parse over the body written to the inspector. When
// the parser stops early (a syntax error, or nothing more to read), the
// rest of the body is discarded; the digests found so far are kept.
func startStream(parse func(io.Reader, func(capture.Digest)) error) *streamInspector {
	pr, pw := io.Pipe()
	s := &streamInspector{pw: pw, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = parse(pr, func(d capture.Digest) { s.out = append(s.out, d) })
		pr.Close() // unblocks a Write in progress
	}()
	return s
}

// Write implements capture.BodyInspector; it never fails.
func (s *streamInspector) Write(p []byte) (int, error) {
	select {
	case <-s.done:
	default:
		_, _ = s.pw.Write(p) // fails only once the parser has stopped
	}
	return len(p), nil
}

// Finish implements capture.BodyInspector: it waits for the parser. The
// digests of a body that did not arrive whole are those of the complete
// entries read before it ended.
func (s *streamInspector) Finish(complete bool) []capture.Digest {
	s.pw.Close()
	<-s.done
	return s.out
}

// teeInspector gives one body to two inspectors and records what both found.
type teeInspector [2]capture.BodyInspector

func (t teeInspector) Write(p []byte) (int, error) {
	for _, in := range t {
		if _, err := in.Write(p); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (t teeInspector) Finish(complete bool) []capture.Digest {
	return append(t[0].Finish(complete), t[1].Finish(complete)...)
}
