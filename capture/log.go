package capture

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/depaudit/depaudit/internal/lines"
)

// LogFormat is the format identifier written in every capture log header.
const LogFormat = "depaudit.capture/v1"

// Record kinds, the value of the "record" field of each log line.
const (
	RecordHeader   = "header"
	RecordExchange = "exchange"
	RecordTrailer  = "trailer"
)

// Header is the first line of a capture log.
type Header struct {
	Record  string    `json:"record"`
	Format  string    `json:"format"`
	Version string    `json:"version"`
	Start   time.Time `json:"start"`
	// Command is the child's argument vector with secrets redacted.
	Command []string `json:"command"`
	// Dir is the working directory the command ran in.
	Dir string `json:"dir,omitempty"`
	// Project is the built project as its manifest in Dir named it when
	// the run started; nil when there was none.
	Project *Project `json:"project,omitempty"`
	// Sealed says the command ran in a sealed network: every connection
	// it attempted is in the log (exchanges, connections, lookups).
	Sealed bool `json:"sealed,omitempty"`
}

// Project is a built project's identity as its own manifest states it
// (see package project): the SBOM's metadata.component.
type Project struct {
	Name     string `json:"name"`
	Version  string `json:"version,omitempty"`
	PURL     string `json:"purl,omitempty"`
	Manifest string `json:"manifest,omitempty"`
	// Ecosystem and Requires are what the project depends on directly, as
	// its manifest states it (see project.Project).
	Ecosystem string   `json:"ecosystem,omitempty"`
	Requires  []string `json:"requires,omitempty"`
}

// Trailer is the last line of a capture log, written when the run ended.
type Trailer struct {
	Record   string    `json:"record"`
	End      time.Time `json:"end"`
	ExitCode int       `json:"exit_code"`
	// Signal names the signal that killed the child, if one did.
	Signal string `json:"signal,omitempty"`
	// Exchanges is the number of exchange lines written before the trailer.
	Exchanges int64 `json:"exchanges"`
	// Strangers is the number of connections and requests from processes
	// outside the build refused for want of the proxy credential; they
	// are not in the log.
	Strangers int64 `json:"strangers,omitempty"`
}

// exchangeLine is an Exchange as it appears in the log.
type exchangeLine struct {
	Record string `json:"record"`
	Exchange
}

// LogWriter writes a capture log. Each line is written and flushed as soon
// as it is given, so a crash loses at most the line being written.
// It is safe for concurrent use.
type LogWriter struct {
	mu  sync.Mutex
	w   io.Writer
	n   int64
	err error
	// spill, spillFailed and requested are Defer's.
	spill       io.ReadWriteSeeker
	spillFailed bool
	requested   map[string]struct{}
}

// NewLogWriter writes the header to w and returns a writer for the rest of
// the log. If w has a Sync method (an *os.File) it is not called: lines are
// written with one Write each, which the kernel keeps even if the process dies.
func NewLogWriter(w io.Writer, h Header) (*LogWriter, error) {
	lw := &LogWriter{w: w}
	h.Record = RecordHeader
	h.Format = LogFormat
	if err := lw.writeLine(h); err != nil {
		return nil, fmt.Errorf("write capture log header: %w", err)
	}
	return lw, nil
}

func (lw *LogWriter) writeLine(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = lw.w.Write(b)
	return err
}

// WriteExchange appends one exchange. After a write error every later call
// returns that error.
func (lw *LogWriter) WriteExchange(x *Exchange) error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.err != nil {
		return lw.err
	}
	line := exchangeLine{Record: RecordExchange, Exchange: *x}
	if lw.spill != nil {
		line.Digests = lw.deferDigests(x)
	}
	if err := lw.writeLine(line); err != nil {
		lw.err = fmt.Errorf("write capture log: %w", err)
		return lw.err
	}
	lw.n++
	return nil
}

// Count returns the number of exchanges written so far.
func (lw *LogWriter) Count() int64 {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.n
}

// Close writes the trailer. It does not close the underlying writer.
func (lw *LogWriter) Close(t Trailer) error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.err != nil {
		return lw.err
	}
	// Digests that could not be read back are lost, but the trailer is
	// still written: the log is whole but for them, and the error says so.
	var deferredErr error
	if lw.spill != nil {
		if err := lw.writeDeferred(); err != nil {
			deferredErr = fmt.Errorf("capture log: digests published for the downloaded files lost: %w", err)
		}
	}
	t.Record = RecordTrailer
	t.Exchanges = lw.n
	if err := lw.writeLine(t); err != nil {
		lw.err = fmt.Errorf("write capture log trailer: %w", err)
		return lw.err
	}
	return deferredErr
}

// Log is a capture log read back into memory.
type Log struct {
	Header    Header
	Exchanges []Exchange
	// Connections and Lookups are what a sealed build's network recorded
	// besides exchanges.
	Connections []Connection
	Lookups     []Lookup
	// Fetches are the metadata documents fetched after the build to
	// verify it, and FetchEnd their end: nil when none were (see
	// RecordFetch).
	Fetches  []Fetch
	FetchEnd *FetchEnd
	// Trailer is nil when the log has none (the run crashed or was killed).
	Trailer *Trailer
	// Damage describes the first damaged line, empty when every line read
	// well. A damaged line is skipped and reading goes on, so Exchanges
	// holds every good line of the log.
	Damage string
	// DamagedLines counts the lines skipped as damaged.
	DamagedLines int
	// UnknownRecords counts the lines of record kinds this reader does not
	// know (written by a newer depaudit), skipped.
	UnknownRecords int

	// damageLine is the line Damage is about.
	damageLine int
}

// Truncated reports whether the log lacks a trailer or has damaged lines.
func (l *Log) Truncated() bool { return l.Trailer == nil || l.Damage != "" }

// damaged notes a damaged line, keeping the description of the first
// line of the log found damaged.
func (l *Log) damaged(lineNo int, format string, args ...any) {
	l.DamagedLines++
	if l.Damage == "" || lineNo < l.damageLine {
		l.Damage = fmt.Sprintf("line %d: ", lineNo) + fmt.Sprintf(format, args...)
		l.damageLine = lineNo
	}
}

// ErrNotCaptureLog is returned by ReadLog when the first line is not a
// depaudit capture log header.
var ErrNotCaptureLog = errors.New("not a depaudit capture log")

// maxLine bounds one log line, so that a damaged file without newlines
// cannot take all memory. An exchange's line carries the digests its
// registry document published for every version: typescript's npm
// packument gives 6,956 of them, a 1.5 MB line; the largest packuments,
// with tens of thousands of versions, stay well under this.
const maxLine = 64 << 20

// errLongLine is returned for a line longer than maxLine; the rest of the
// line has been read and dropped.
var errLongLine = fmt.Errorf("%w: longer than %d bytes", lines.ErrTooLong, maxLine)

// ReadLog reads a capture log. A log whose header is missing or of another
// format is an error. After the header, a damaged line (not JSON, cut
// short, too long, data after the trailer) is skipped and counted and
// reading goes on; Damage names the first. Lines of record kinds this
// reader does not know are skipped and counted apart. The error is nil
// then: callers should warn. For a log too large to hold, see OpenLog.
func ReadLog(r io.Reader) (*Log, error) {
	byID := map[int64]int{}
	var xs []Exchange
	l, err := scanLog(r, logVisitor{
		exchange: func(_ *Log, x *exchangeLine, _ int64, _ int) {
			byID[x.ID] = len(xs)
			xs = append(xs, x.Exchange)
		},
		digests: func(l *Log, d *digestsLine, lineNo int) {
			i, found := byID[d.Exchange]
			if !found {
				l.damaged(lineNo, "digests of exchange %d, which is not in the log", d.Exchange)
				return
			}
			xs[i].Digests = append(xs[i].Digests, d.Digests...)
		},
	})
	if l != nil {
		l.Exchanges = xs
	}
	return l, err
}

// logVisitor receives the records of a log that scanLog does not keep
// itself: each exchange with the offset of its line, and each digests
// record.
type logVisitor struct {
	exchange func(l *Log, x *exchangeLine, off int64, lineNo int)
	digests  func(l *Log, d *digestsLine, lineNo int)
	// trailer, when set, is told where the trailer's line is.
	trailer func(off int64)
}

// scanLog reads a capture log as ReadLog describes, keeping in the Log it
// returns every record but exchanges and digests, which go to v.
func scanLog(r io.Reader, v logVisitor) (*Log, error) {
	cr := &lines.Counter{R: r}
	br := bufio.NewReaderSize(cr, 64<<10)
	l := &Log{}
	lineNo := 0
	readLine := func() ([]byte, int64, error) {
		off := cr.N - int64(br.Buffered())
		line, err := readLogLine(br)
		return line, off, err
	}
	first, _, err := readLine()
	lineNo++
	if err != nil && !errors.Is(err, lines.ErrNoNewline) {
		if err == io.EOF {
			return nil, fmt.Errorf("%w: empty", ErrNotCaptureLog)
		}
		return nil, fmt.Errorf("read capture log header: %w", err)
	}
	if err := json.Unmarshal(first, &l.Header); err != nil || l.Header.Record != RecordHeader {
		return nil, fmt.Errorf("%w: line 1 is not a header", ErrNotCaptureLog)
	}
	if l.Header.Format != LogFormat {
		return nil, fmt.Errorf("%w: format %q, want %q", ErrNotCaptureLog, l.Header.Format, LogFormat)
	}
	for {
		line, off, err := readLine()
		lineNo++
		switch {
		case err == io.EOF:
			return l, nil
		case errors.Is(err, errLongLine):
			l.damaged(lineNo, "%v", err)
			continue
		case err != nil && !errors.Is(err, lines.ErrNoNewline):
			l.damaged(lineNo, "%v", err)
			return l, nil
		}
		partial := errors.Is(err, lines.ErrNoNewline)
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var kind struct {
			Record string `json:"record"`
		}
		if k, ok := recordKind(line); ok && k == RecordExchange && !partial && l.Trailer == nil {
			// The bulk of a log: decoded once, below, which reports a
			// line that is not JSON after all as decoding it here would.
			kind.Record = k
		} else if err := json.Unmarshal(line, &kind); err != nil {
			if partial {
				l.damaged(lineNo, "cut short")
			} else {
				l.damaged(lineNo, "%v", err)
			}
			continue
		}
		if l.Trailer != nil && (kind.Record == RecordExchange || kind.Record == RecordTrailer || kind.Record == RecordDigests) {
			l.damaged(lineNo, "data after the trailer")
			continue
		}
		switch kind.Record {
		case RecordExchange:
			if x, ok := decodeLine[exchangeLine](l, lineNo, line); ok {
				x.legacyOutcome()
				v.exchange(l, &x, off, lineNo)
			}
		case RecordDigests:
			if d, ok := decodeLine[digestsLine](l, lineNo, line); ok {
				v.digests(l, &d, lineNo)
			}
		case RecordTrailer:
			if t, ok := decodeLine[Trailer](l, lineNo, line); ok {
				l.Trailer = &t
				if v.trailer != nil {
					v.trailer(off)
				}
			}
		case RecordConnection:
			if c, ok := decodeLine[connectionLine](l, lineNo, line); ok {
				l.Connections = append(l.Connections, c.Connection)
			}
		case RecordLookup:
			if lk, ok := decodeLine[lookupLine](l, lineNo, line); ok {
				l.Lookups = append(l.Lookups, lk.Lookup)
			}
		case RecordFetch:
			if f, ok := decodeLine[fetchLine](l, lineNo, line); ok {
				l.Fetches = append(l.Fetches, f.Fetch)
			}
		case RecordFetchEnd:
			if e, ok := decodeLine[fetchEndLine](l, lineNo, line); ok {
				l.FetchEnd = &e.FetchEnd
			}
		default:
			l.UnknownRecords++
		}
	}
}

// readLogLine reads one line of the log (see lines.Read), naming the
// bound in the error of a longer line.
func readLogLine(br *bufio.Reader) ([]byte, error) {
	line, err := lines.Read(br, maxLine)
	if errors.Is(err, lines.ErrTooLong) {
		err = errLongLine
	}
	return line, err
}

// decodeLine decodes one record line into a T; a line that does not decode
// is counted as damaged and ok is false.
func decodeLine[T any](l *Log, lineNo int, line []byte) (v T, ok bool) {
	if err := json.Unmarshal(line, &v); err != nil {
		l.damaged(lineNo, "%v", err)
		return v, false
	}
	return v, true
}
