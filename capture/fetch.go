package capture

import (
	"fmt"
	"io"
	"time"
)

// Record kinds of what depaudit fetched after the build to verify it. They
// follow the trailer: the trailer ends the build, these the verification
// that came after it (`depaudit build` fetches the registry metadata that
// the build did not, see package verify). `depaudit report` reads them
// back instead of fetching again, so that its SBOM is the build's.
const (
	// RecordFetch is one metadata document fetched after the build.
	RecordFetch = "fetch"
	// RecordFetchEnd closes the fetches: their figures, and why the
	// metadata of some artifacts was not had.
	RecordFetchEnd = "fetch_end"
)

// Fetch is one metadata document fetched after the build: its request and
// answer, and what it published for the artifacts of the build (only
// those: what it says of files the build did not download, a packument's
// other versions, an index's other packages, is left out). It is plain data: the JSON field names are the capture log
// contract.
type Fetch struct {
	Start      time.Time `json:"start"`
	DurationMS float64   `json:"duration_ms"`
	URL        string    `json:"url"`
	// Status is the HTTP status, 0 when no answer came.
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	// Bytes is the size of the body read.
	Bytes int64 `json:"bytes,omitempty"`
	// Error says why the document could not be had or read.
	Error string `json:"error,omitempty"`
	// Digests are the digests and facts read from the document, as the
	// inspectors record them on exchanges.
	Digests []Digest `json:"digests,omitempty"`
}

// FetchEnd closes the fetches made after a build.
type FetchEnd struct {
	Start      time.Time `json:"start"`
	DurationMS float64   `json:"duration_ms"`
	// Requests counts the requests made (the fetch records, a candidate
	// that failed before another answered included); Failed counts the
	// documents that could not be had from any.
	Requests int `json:"requests"`
	Failed   int `json:"failed,omitempty"`
	// Withheld lists the artifacts whose metadata was not had, and why
	// (a private module not looked up, a fetch that failed).
	Withheld []Withheld `json:"withheld,omitempty"`
}

// Withheld is an artifact left unverifiable by the fetches, and why.
type Withheld struct {
	PURL   string `json:"purl"`
	Reason string `json:"reason"`
}

type fetchLine struct {
	Record string `json:"record"`
	Fetch
}

type fetchEndLine struct {
	Record string `json:"record"`
	FetchEnd
}

// WriteFetches appends the fetches made after a build, and their end, to
// the capture log w (after its trailer), one line each.
func WriteFetches(w io.Writer, fetches []Fetch, end FetchEnd) error {
	lw := &LogWriter{w: w}
	for i := range fetches {
		if err := lw.writeLine(fetchLine{Record: RecordFetch, Fetch: fetches[i]}); err != nil {
			return fmt.Errorf("write capture log: fetch record: %w", err)
		}
	}
	if err := lw.writeLine(fetchEndLine{Record: RecordFetchEnd, FetchEnd: end}); err != nil {
		return fmt.Errorf("write capture log: fetch end record: %w", err)
	}
	return nil
}
