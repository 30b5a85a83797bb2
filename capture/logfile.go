package capture

import (
	"bufio"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/depaudit/depaudit/internal/lines"
)

// LogFile is a capture log read exchange by exchange from its file rather
// than held in memory, for logs of any size: OpenLog reads the file once
// and keeps everything the log holds but its exchanges, and where each
// exchange's line is (16 bytes an exchange); Exchanges reads them again,
// one at a time, in the order they started.
type LogFile struct {
	// Log is the log without its exchanges (Log.Exchanges is nil): header,
	// trailer, connections, lookups, fetches and damage, as ReadLog reads
	// them.
	Log *Log

	r    io.ReaderAt
	size int64
	// index holds the exchanges' lines by ID, lines of the same ID in log
	// order: the order observe.Attribute reads a Log's exchanges in.
	index []lineRef
	// deferred holds the digests records, by position in index.
	deferred map[int][]Digest
}

// lineRef is where the line of one exchange starts.
type lineRef struct{ id, off int64 }

// OpenLog reads the capture log in r (size bytes) once, as ReadLog does,
// without keeping its exchanges. r must stay open and unchanged while the
// LogFile is used.
func OpenLog(r io.ReaderAt, size int64) (*LogFile, error) {
	f := &LogFile{r: r, size: size}
	type pending struct {
		exchange int64
		lineNo   int
		digests  []Digest
	}
	var records []pending
	l, err := scanLog(io.NewSectionReader(r, 0, size), logVisitor{
		exchange: func(_ *Log, x *exchangeLine, off int64, _ int) {
			f.index = append(f.index, lineRef{id: x.ID, off: off})
		},
		digests: func(_ *Log, d *digestsLine, lineNo int) {
			records = append(records, pending{d.Exchange, lineNo, d.Digests})
		},
	})
	if err != nil {
		return nil, err
	}
	f.Log = l
	f.index = slices.Clip(f.index)
	slices.SortStableFunc(f.index, func(a, b lineRef) int { return cmp.Compare(a.id, b.id) })
	// A digests record completes the last exchange of its ID, as ReadLog
	// has it; it comes after the exchanges, so it is placed once they are
	// all indexed.
	for _, p := range records {
		i := sort.Search(len(f.index), func(i int) bool { return f.index[i].id > p.exchange }) - 1
		if i < 0 || f.index[i].id != p.exchange {
			l.damaged(p.lineNo, "digests of exchange %d, which is not in the log", p.exchange)
			continue
		}
		if f.deferred == nil {
			f.deferred = map[int][]Digest{}
		}
		f.deferred[i] = append(f.deferred[i], p.digests...)
	}
	return f, nil
}

// Len returns the number of exchanges in the log.
func (f *LogFile) Len() int { return len(f.index) }

// Exchanges calls fn with each exchange of the log in the order they
// started (by ID), each a new value that fn may keep, and stops at the
// first error fn returns. Reading the file again fails if it changed
// since OpenLog.
func (f *LogFile) Exchanges(fn func(*Exchange) error) error {
	var br *bufio.Reader
	pos := int64(-1)
	for i, ref := range f.index {
		if ref.off != pos {
			// Lines are read in sequence while the order of IDs is the
			// order of the file, from a new place where it is not.
			sr := io.NewSectionReader(f.r, ref.off, f.size-ref.off)
			if br == nil {
				br = bufio.NewReaderSize(sr, 64<<10)
			} else {
				br.Reset(sr)
			}
			pos = ref.off
		}
		line, err := readLogLine(br)
		if err != nil && err != io.EOF && !errors.Is(err, lines.ErrNoNewline) {
			return fmt.Errorf("capture log changed since it was read: exchange %d: %w", ref.id, err)
		}
		pos += int64(len(line)) + 1
		var x exchangeLine
		if err := json.Unmarshal(line, &x); err != nil || x.Record != RecordExchange || x.ID != ref.id {
			return fmt.Errorf("capture log changed since it was read: exchange %d is not where it was", ref.id)
		}
		x.legacyOutcome()
		if d := f.deferred[i]; len(d) > 0 {
			x.Digests = append(x.Digests, d...)
		}
		if err := fn(&x.Exchange); err != nil {
			return err
		}
	}
	return nil
}
