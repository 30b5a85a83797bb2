package capture

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/depaudit/depaudit/internal/lines"
)

// RecordDigests holds digests an exchange's body declared about other
// URLs, written after the last exchange and before the trailer (see
// LogWriter.Defer).
const RecordDigests = "digests"

// digestsLine is a RecordDigests line: digests of exchange Exchange.
type digestsLine struct {
	Record   string   `json:"record"`
	Exchange int64    `json:"exchange"`
	Digests  []Digest `json:"digests"`
}

// Defer makes lw keep out of each exchange's line the digests its body
// declares about other URLs (a registry document's digests of every
// version's artifact), writing them to spill instead. Close then appends,
// before the trailer, a RecordDigests line per exchange with only those
// whose subject names a file the run requested: of an npm packument's
// thousands of versions, the few the build downloaded. A log cut short (a
// crash before Close) lacks them.
//
// A file is named by the last segment of its URL's path (a digest
// declared for https://registry.yarnpkg.com/a/-/a-1.0.0.tgz stays when
// https://registry.npmjs.org/a/-/a-1.0.0.tgz was requested), or, for
// content-addressed downloads (apt's by-hash indexes, OCI blobs), by the
// digest it was requested by: a digest stays when its value, in hex, was
// the last segment of a requested URL (after an "ALG:" prefix). Digests
// about a directory (a URL whose path ends in "/") and about anything but
// an http(s) URL stay in the exchange's line. Keeping a digest that
// verifies nothing is harmless; dropping one that does is not, so the
// comparison errs towards keeping.
//
// A spill that fails to take a line loses nothing: from then on digests
// stay in their exchange's line, as without Defer.
func (lw *LogWriter) Defer(spill io.ReadWriteSeeker) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	lw.spill = spill
	lw.requested = map[string]struct{}{}
}

// fileOf is the file an absolute http(s) URL names, as Defer compares
// them; ok is false for anything else, a directory included.
func fileOf(raw string) (string, bool) {
	if !strings.HasPrefix(raw, "https://") && !strings.HasPrefix(raw, "http://") {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", false
	}
	p := u.EscapedPath()
	if p == "" || strings.HasSuffix(p, "/") {
		return "", false
	}
	f, err := url.PathUnescape(path.Base(p))
	if err != nil {
		f = path.Base(p)
	}
	return f, true
}

// request notes the file rawURL names, and the digest it names when the
// file is one ("sha256:HEX" or HEX); lw.mu must be held.
func (lw *LogWriter) request(rawURL string) {
	f, ok := fileOf(rawURL)
	if !ok {
		return
	}
	lw.requested[f] = struct{}{}
	if _, h, ok := strings.Cut(f, ":"); ok {
		lw.requested[strings.ToLower(h)] = struct{}{}
	} else {
		lw.requested[strings.ToLower(f)] = struct{}{}
	}
}

// wanted reports whether the run requested the file digest d is about.
func (lw *LogWriter) wanted(d Digest) bool {
	f, _ := fileOf(d.Subject)
	_, byName := lw.requested[f]
	_, byDigest := lw.requested[strings.ToLower(d.Value)]
	return byName || (byDigest && d.Value != "")
}

// deferDigests writes to the spill the digests of x about other URLs and
// returns the rest, noting the files x requested; when the spill fails,
// it returns them all. lw.mu must be held.
func (lw *LogWriter) deferDigests(x *Exchange) []Digest {
	lw.request(x.URL)
	lw.request(x.Location)
	own, _ := fileOf(x.URL)
	var keep, later []Digest
	for _, d := range x.Digests {
		if f, ok := fileOf(d.Subject); ok && d.Subject != x.URL && f != own {
			later = append(later, d)
			continue
		}
		keep = append(keep, d)
	}
	if len(later) == 0 || lw.spillFailed {
		return x.Digests
	}
	b, err := json.Marshal(digestsLine{Record: RecordDigests, Exchange: x.ID, Digests: later})
	if err == nil {
		// One write per line, unbuffered: a failure cannot take lines
		// written before it along.
		_, err = lw.spill.Write(append(b, '\n'))
	}
	if err != nil {
		lw.spillFailed = true
		return x.Digests
	}
	return keep
}

// writeDeferred writes the RecordDigests lines of the digests deferred to
// the spill whose subject names a requested file; a line of the spill that
// does not read back (cut by the failure that ended the spill) is skipped,
// its digests being in their exchange's line. lw.mu must be held.
func (lw *LogWriter) writeDeferred() error {
	if _, err := lw.spill.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read deferred digests: %w", err)
	}
	br := bufio.NewReaderSize(lw.spill, 64<<10)
	for {
		line, err := readLogLine(br)
		if err == io.EOF {
			return nil
		}
		if err != nil && !errors.Is(err, lines.ErrNoNewline) && !errors.Is(err, lines.ErrTooLong) {
			return fmt.Errorf("read deferred digests: %w", err)
		}
		var dl digestsLine
		if err != nil || json.Unmarshal(line, &dl) != nil {
			continue
		}
		kept := dl.Digests[:0]
		for _, d := range dl.Digests {
			if lw.wanted(d) {
				kept = append(kept, d)
			}
		}
		if len(kept) == 0 {
			continue
		}
		dl.Digests = kept
		if err := lw.writeLine(dl); err != nil {
			return fmt.Errorf("write capture log: %w", err)
		}
	}
}
