package fakeregistry

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// fixtureTime is the modification time of every fixture, so that bytes and
// Last-Modified headers never depend on when the tests ran.
var fixtureTime = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// builder collects the fixtures of every ecosystem before the server starts.
type builder struct {
	opts  Options
	m     *Manifest
	muxes map[string]*hostMux
	hosts map[string]http.Handler
}

func newBuilder(opts Options, m *Manifest) *builder {
	return &builder{opts: opts, m: m, muxes: map[string]*hostMux{}, hosts: map[string]http.Handler{}}
}

func (b *builder) mux(host string) *hostMux {
	hm, ok := b.muxes[host]
	if !ok {
		hm = &hostMux{static: map[string]*File{}, funcs: map[string]http.HandlerFunc{}}
		b.muxes[host] = hm
		b.hosts[host] = hm
	}
	return hm
}

// file adds a fixed file to the manifest and serves it at its URL and at
// every alias on a served host that is not already routed.
func (b *builder) file(f File) *File {
	nf := newFile(f)
	b.m.add(nf)
	for _, raw := range append([]string{nf.URL}, nf.Aliases...) {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		hm := b.mux(u.Host)
		if _, dup := hm.static[u.Path]; !dup {
			hm.static[u.Path] = nf
		}
	}
	return nf
}

// serveFunc routes an exact (decoded) path of host to h.
func (b *builder) serveFunc(host, path string, h http.HandlerFunc) {
	b.mux(host).funcs[path] = h
}

// handle makes h the fallback for every path of host not otherwise routed.
func (b *builder) handle(host string, h http.Handler) {
	hm := b.mux(host)
	hm.fallbacks = append(hm.fallbacks, h)
}

// redirect answers path on host with a 302 to target.
func (b *builder) redirect(host, path, target string) {
	b.serveFunc(host, path, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target, http.StatusFound)
	})
}

// hostMux serves one hostname.
type hostMux struct {
	static    map[string]*File
	funcs     map[string]http.HandlerFunc
	fallbacks []http.Handler
}

func (hm *hostMux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if h, ok := hm.funcs[p]; ok {
		h(w, r)
		return
	}
	if f, ok := hm.static[p]; ok {
		serveFile(w, r, f)
		return
	}
	for _, h := range hm.fallbacks {
		nf := &notFoundCatcher{ResponseWriter: w}
		h.ServeHTTP(nf, r)
		if !nf.notFound {
			return
		}
	}
	http.Error(w, "fakeregistry: not found: "+p, http.StatusNotFound)
}

// fallbackNotFound is what a fallback handler answers to pass a request on.
const fallbackNotFound = http.StatusTeapot

// notFoundCatcher lets the next fallback try when a handler answered
// fallbackNotFound before writing anything.
type notFoundCatcher struct {
	http.ResponseWriter
	notFound bool
}

func (n *notFoundCatcher) WriteHeader(code int) {
	if code == fallbackNotFound {
		n.notFound = true
		return
	}
	n.ResponseWriter.WriteHeader(code)
}

func (n *notFoundCatcher) Write(p []byte) (int, error) {
	if n.notFound {
		return len(p), nil
	}
	return n.ResponseWriter.Write(p)
}

func (n *notFoundCatcher) Flush() {
	if f, ok := n.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// serveFile serves a fixed file with Content-Length, ETag and
// Last-Modified, answering HEAD, Range and conditional requests.
func serveFile(w http.ResponseWriter, r *http.Request, f *File) {
	h := w.Header()
	if f.ContentType != "" {
		h.Set("Content-Type", f.ContentType)
	} else {
		h.Set("Content-Type", "application/octet-stream")
	}
	h.Set("ETag", `"`+f.SHA256[:32]+`"`)
	http.ServeContent(w, r, "", fixtureTime, bytes.NewReader(f.Body))
}

// accepts reports whether the request's Accept header names mediaType.
func accepts(r *http.Request, mediaType string) bool {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(mt), mediaType) {
			return true
		}
	}
	return false
}

// writeBody writes a dynamic body with its Content-Length.
func writeBody(w http.ResponseWriter, r *http.Request, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Last-Modified", fixtureTime.Format(http.TimeFormat))
	http.ServeContent(w, r, "", fixtureTime, bytes.NewReader(body))
}
