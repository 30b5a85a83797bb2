package capture

// Inspecting bodies as they stream: capture knows no ecosystem, but other
// packages may want to read a body as it passes (for example to extract
// the digests a registry publishes in its metadata, or to compute a
// checksum over an archive's contents) without buffering it in the proxy.

// Digest is a digest found or computed while a body streamed through, kept
// in the capture log so that reports can verify artifacts offline.
type Digest struct {
	// Subject names what the digest is of: an artifact URL, or a
	// key whose form the inspector defines (e.g. "golang:MODULE@VERSION").
	Subject string `json:"subject"`
	// Algorithm is the digest's algorithm as the inspector names it
	// (sha256, sha512, sha1, md5, blake2b-256, h1, …).
	Algorithm string `json:"alg"`
	// Value is the digest, in the encoding the inspector defines (hex for
	// plain hashes).
	Value string `json:"value"`
	// Source says where the digest came from ("published" by a registry's
	// metadata, or "computed" over this exchange's body).
	Source string `json:"source,omitempty"`
}

// BodyInspector reads a copy of one response body as it streams.
type BodyInspector interface {
	// Write receives the body bytes in order. It must not keep p. An error
	// stops the inspection (the body still streams to the client).
	Write(p []byte) (int, error)
	// Finish is called once when the body ended; complete reports whether
	// it arrived whole. It returns the digests to record with the exchange.
	Finish(complete bool) []Digest
}

// InspectFunc decides, when a response starts, whether to inspect its
// body: it returns nil to let the body pass uninspected. x holds the
// request and response fields known at that point; it must not be kept.
// A response without a body (a bodiless redirect, a HEAD, a 304) is shown
// too: its inspector gets no Write, only Finish(true).
type InspectFunc func(x *Exchange) BodyInspector
