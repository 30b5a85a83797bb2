package capture

import (
	"bufio"
	"bytes"
	"cmp"
	"container/heap"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"unicode"

	"github.com/depaudit/depaudit/internal/lines"
)

// LogFile is a capture log read exchange by exchange from its file rather
// than held in memory, for logs of any size: OpenLog reads the file and
// keeps everything the log holds but its exchanges; Exchanges reads them
// again, one at a time, in the order they started.
//
// The log is written as exchanges end, so its lines are not in the order
// the exchanges started: Exchanges puts them back in order through a
// window of the next 65,536 exchange lines (1 MiB), which is enough unless
// one request lasted while that many others started and ended. For a log
// where it is not, OpenLog keeps where every exchange's line is instead
// (16 bytes an exchange).
type LogFile struct {
	// Log is the log without its exchanges (Log.Exchanges is nil): header,
	// trailer, connections, lookups, fetches and damage, as ReadLog reads
	// them.
	Log *Log

	r    io.ReaderAt
	size int64
	// end is where the exchanges end: the trailer's line, else size.
	end int64
	// n counts the exchanges; win is the window's size.
	n, win int
	// index holds every exchange line by ID, for a log the window does
	// not put in order; nil otherwise.
	index []lineRef
	// lineSum sums the exchange lines' IDs and offsets, to tell that the
	// file changed since OpenLog read it.
	lineSum uint64
	// deferred holds the digests records by the exchange ID they complete.
	deferred map[int64][]deferredDigests
}

// lineRef is where the line of an exchange starts, and its ID.
type lineRef struct{ id, off int64 }

func compareRefs(a, b lineRef) int { return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.off, b.off)) }

// deferredDigests is a digests record, on line lineNo: it completes the
// last exchange of its ID before it, whose line is at target.
type deferredDigests struct {
	lineNo  int
	target  int64
	digests []Digest
}

// reorderWindow is how many exchange lines Exchanges holds to put them in
// the order they started.
const reorderWindow = 1 << 16

// OpenLog reads the capture log in r (size bytes), as ReadLog does,
// without keeping its exchanges. r must stay open and unchanged while the
// LogFile is used.
func OpenLog(r io.ReaderAt, size int64) (*LogFile, error) {
	return openLog(r, size, reorderWindow)
}

// openLog is OpenLog with a window of win exchange lines.
func openLog(r io.ReaderAt, size int64, win int) (*LogFile, error) {
	f := &LogFile{r: r, size: size, end: size, win: win}
	var trailerOff int64 = -1
	l, err := scanLog(io.NewSectionReader(r, 0, size), logVisitor{
		exchange: func(_ *Log, x *exchangeLine, off int64, _ int) { f.n++ },
		digests: func(_ *Log, d *digestsLine, lineNo int) {
			if f.deferred == nil {
				f.deferred = map[int64][]deferredDigests{}
			}
			// (survey finds the exchange it completes.)
			f.deferred[d.Exchange] = append(f.deferred[d.Exchange], deferredDigests{lineNo: lineNo, digests: d.Digests})
		},
		trailer: func(off int64) {
			if trailerOff < 0 {
				trailerOff = off
			}
		},
	})
	if err != nil {
		return nil, err
	}
	f.Log = l
	if trailerOff >= 0 {
		f.end = trailerOff
	}
	if err := f.survey(); err != nil {
		return nil, err
	}
	return f, nil
}

// survey reads the exchange lines' IDs once more: it checks that the
// window puts them in order (else keeps the index), places each digests
// record and checks that an exchange of its ID comes before it.
func (f *LogFile) survey() error {
	// The digests records by line, and the last good exchange line of
	// each of their IDs so far.
	type recordAt struct {
		id int64
		i  int
	}
	records := map[int]recordAt{}
	for id, ds := range f.deferred {
		for i := range ds {
			ds[i].target = -1
			records[ds[i].lineNo] = recordAt{id, i}
		}
	}
	lastOf := map[int64]int64{}
	var last lineRef
	sorted, started := true, false
	sum, err := f.inOrder(func(line []byte, off int64, lineNo int, id int64, exchange bool) {
		if r, ok := records[lineNo]; ok {
			if at, ok := lastOf[r.id]; ok {
				f.deferred[r.id][r.i].target = at
			}
		}
		if _, wanted := f.deferred[id]; exchange && wanted && decodesAsExchange(line) {
			lastOf[id] = off
		}
	}, func(ref lineRef) error {
		if started && compareRefs(ref, last) < 0 {
			sorted = false
		}
		last, started = ref, true
		return nil
	})
	if err != nil {
		return err
	}
	f.lineSum = sum
	for id, ds := range f.deferred {
		kept := ds[:0]
		for _, d := range ds {
			if d.target < 0 {
				f.Log.damaged(d.lineNo, "digests of exchange %d, which is not in the log", id)
				continue
			}
			kept = append(kept, d)
		}
		if len(kept) == 0 {
			delete(f.deferred, id)
		} else {
			f.deferred[id] = kept
		}
	}
	if sorted {
		return nil
	}
	// A request outlasted the window: every line's place is kept.
	err = f.scanLines(func(line []byte, off int64, _ int) {
		if id, ok := exchangeID(line); ok {
			f.index = append(f.index, lineRef{id, off})
		}
	})
	slices.SortFunc(f.index, compareRefs)
	return err
}

// scanLines calls fn with each line before f.end after the header, its
// offset and its line number, as scanLog reads them.
func (f *LogFile) scanLines(fn func(line []byte, off int64, lineNo int)) error {
	cr := &lines.Counter{R: io.NewSectionReader(f.r, 0, f.end)}
	br := bufio.NewReaderSize(cr, 64<<10)
	for lineNo := 1; ; lineNo++ {
		off := cr.N - int64(br.Buffered())
		line, err := readLogLine(br)
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, errLongLine):
			continue
		case err != nil && !errors.Is(err, lines.ErrNoNewline):
			return nil // (scanLog stopped there too: the damage is noted.)
		}
		if lineNo > 1 {
			fn(line, off, lineNo)
		}
	}
}

// inOrder reads the lines before f.end once, in the file's order, and
// gives fn the places of the exchange lines in the order they started, as
// far as the window puts them so; line, when set, sees every line first,
// with its ID when it is an exchange's. It returns the sum of the places
// (sumRef) and stops at fn's first error.
func (f *LogFile) inOrder(line func(b []byte, off int64, lineNo int, id int64, exchange bool), fn func(lineRef) error) (uint64, error) {
	w := newWindow(f.win)
	var sum uint64
	var ferr error
	err := f.scanLines(func(b []byte, off int64, lineNo int) {
		id, exchange := exchangeID(b)
		if line != nil {
			line(b, off, lineNo, id, exchange)
		}
		if !exchange || ferr != nil {
			return
		}
		sum = sumRef(sum, lineRef{id, off})
		if ref, full := w.push(lineRef{id, off}); full {
			ferr = fn(ref)
		}
	})
	for err == nil && ferr == nil && w.Len() > 0 {
		ferr = fn(w.pop())
	}
	return sum, cmp.Or(err, ferr)
}

// exchangeID returns the ID of an exchange line, as decoding it would;
// ok is false for a line of another record. Lines as LogWriter writes
// them are read without decoding them.
func exchangeID(line []byte) (id int64, ok bool) {
	const prefix = `{"record":"exchange","id":`
	if rest, found := bytes.CutPrefix(line, []byte(prefix)); found && plainKeys(line, "record", "id") {
		if i := bytes.IndexAny(rest, ",}"); i > 0 {
			if id, err := strconv.ParseInt(string(rest[:i]), 10, 64); err == nil {
				return id, true
			}
		}
	}
	var v struct {
		Record string `json:"record"`
		ID     int64  `json:"id"`
	}
	if err := json.Unmarshal(line, &v); err != nil || v.Record != RecordExchange {
		// (An exchange line that does not decode is damage, skipped.)
		return 0, false
	}
	return v.ID, true
}

// plainKeys reports that each of keys (lower-case ASCII letters) is a key
// of line once and no other key can read as one of them to a decoder,
// which matches keys without regard to case and after unescaping them:
// each key in quotes appears once, in any case, and no escape spells a
// letter of a key (a string that reads as a key counts too: the answer
// errs towards decoding).
func plainKeys(line []byte, keys ...string) bool {
	var counts [2]int
	if len(keys) > len(counts) {
		return false
	}
	for i := bytes.IndexByte(line, '"'); i >= 0; {
		j := bytes.IndexByte(line[i+1:], '"')
		if j < 0 {
			break
		}
		for k, key := range keys {
			if bytes.EqualFold(line[i+1:i+1+j], []byte(key)) {
				counts[k]++
			}
		}
		i += 1 + j
	}
	for k := range keys {
		if counts[k] != 1 {
			return false
		}
	}
	for rest := line; ; {
		i := bytes.Index(rest, []byte(`\u`))
		if i < 0 {
			return true
		}
		if i+6 > len(rest) {
			return false
		}
		r, err := strconv.ParseUint(string(rest[i+2:i+6]), 16, 32)
		if err != nil {
			return false
		}
		for _, key := range keys {
			for _, c := range key {
				// c, or a letter that folds to it (K, the Kelvin sign, …).
				for f := rune(r); ; {
					if f == c {
						return false
					}
					if f = unicode.SimpleFold(f); f == rune(r) {
						break
					}
				}
			}
		}
		rest = rest[i+6:]
	}
}

// recordKind returns the record kind of a line as LogWriter writes them
// (`{"record":"KIND",…}`, whole), without decoding it; ok is false for
// any other line, which must be decoded.
func recordKind(line []byte) (kind string, ok bool) {
	rest, found := bytes.CutPrefix(line, []byte(`{"record":"`))
	if !found || !bytes.HasSuffix(line, []byte("}")) {
		return "", false
	}
	i := bytes.IndexByte(rest, '"')
	if i < 0 || !plainKeys(line, "record") {
		return "", false
	}
	for _, c := range rest[:i] {
		if c < 0x20 || c >= 0x80 || c == '\\' {
			// Escapes and other than ASCII: as decoding reads them.
			return "", false
		}
	}
	return string(rest[:i]), true
}

// decodesAsExchange reports whether line is an exchange ReadLog keeps.
func decodesAsExchange(line []byte) bool {
	var x exchangeLine
	return json.Unmarshal(line, &x) == nil && x.Record == RecordExchange
}

// sumRef adds ref to the sum of lines (FNV-1a over the IDs and offsets).
func sumRef(sum uint64, ref lineRef) uint64 {
	if sum == 0 {
		sum = 14695981039346656037
	}
	for _, v := range [2]int64{ref.id, ref.off} {
		for i := 0; i < 64; i += 8 {
			sum ^= uint64(v>>i) & 0xff
			sum *= 1099511628211
		}
	}
	return sum
}

// Len returns the number of exchanges in the log.
func (f *LogFile) Len() int { return f.n }

// Exchanges calls fn with each exchange of the log in the order they
// started (by ID; lines of one ID in log order), each a new value that fn
// may keep, and stops at the first error fn returns. Reading the file
// again fails if it changed since OpenLog.
func (f *LogFile) Exchanges(fn func(*Exchange) error) error {
	rd := &lineReader{r: f.r, size: f.size, pos: -1}
	take := func(ref lineRef) error {
		line, err := rd.lineAt(ref.off)
		if err != nil {
			return fmt.Errorf("capture log changed since it was read: exchange %d: %w", ref.id, err)
		}
		var x exchangeLine
		if err := json.Unmarshal(line, &x); err != nil || x.Record != RecordExchange {
			return nil // damaged: ReadLog skips it too
		}
		if x.ID != ref.id {
			return fmt.Errorf("capture log changed since it was read: exchange %d is not where it was", ref.id)
		}
		x.legacyOutcome()
		for _, d := range f.deferred[x.ID] {
			if d.target == ref.off {
				x.Digests = append(x.Digests, d.digests...)
			}
		}
		return fn(&x.Exchange)
	}
	if f.index != nil {
		for _, ref := range f.index {
			if err := take(ref); err != nil {
				return err
			}
		}
		return nil
	}
	sum, err := f.inOrder(nil, take)
	if err != nil {
		return err
	}
	if sum != f.lineSum {
		return errors.New("capture log changed since it was read: its exchanges are not those it held")
	}
	return nil
}

// lineReader reads lines at given offsets, in sequence while they follow
// each other.
type lineReader struct {
	r    io.ReaderAt
	size int64
	br   *bufio.Reader
	pos  int64
}

// lineAt returns the line starting at off.
func (lr *lineReader) lineAt(off int64) ([]byte, error) {
	if off != lr.pos {
		sr := io.NewSectionReader(lr.r, off, lr.size-off)
		if lr.br == nil {
			lr.br = bufio.NewReaderSize(sr, 64<<10)
		} else {
			lr.br.Reset(sr)
		}
		lr.pos = off
	}
	line, err := readLogLine(lr.br)
	lr.pos = -1
	switch {
	case errors.Is(err, lines.ErrNoNewline):
	case err != nil:
		return nil, err
	default:
		// The next line, unless this one ended in "\r\n": the next read
		// then starts afresh.
		lr.pos = off + int64(len(line)) + 1
	}
	return line, nil
}

// window holds the next exchange lines (at most size), to give them back
// by ID.
type window struct {
	refs refHeap
	size int
}

func newWindow(size int) *window { return &window{refs: make(refHeap, 0, min(size, 1024)), size: size} }

// Len returns the number of lines held.
func (w *window) Len() int { return w.refs.Len() }

// push adds ref; when the window is full it gives back the least.
func (w *window) push(ref lineRef) (lineRef, bool) {
	heap.Push(&w.refs, ref)
	if w.refs.Len() <= w.size {
		return lineRef{}, false
	}
	return w.pop(), true
}

// pop gives back the least ref.
func (w *window) pop() lineRef { return heap.Pop(&w.refs).(lineRef) }

// refHeap is a min-heap of lineRefs (container/heap).
type refHeap []lineRef

func (h refHeap) Len() int           { return len(h) }
func (h refHeap) Less(i, j int) bool { return compareRefs(h[i], h[j]) < 0 }
func (h refHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *refHeap) Push(x any)        { *h = append(*h, x.(lineRef)) }
func (h *refHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
