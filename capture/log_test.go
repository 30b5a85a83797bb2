package capture

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func writeTestLog(t *testing.T, n int, trailer bool) []byte {
	t.Helper()
	var b bytes.Buffer
	lw, err := NewLogWriter(&b, Header{Version: "test", Start: time.Unix(0, 0).UTC(), Command: []string{"make"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= n; i++ {
		lw.WriteExchange(&Exchange{ID: int64(i), Method: "GET", URL: "https://e.com/" + strings.Repeat("x", i), Status: 200, Complete: true})
	}
	if trailer {
		if err := lw.Close(Trailer{ExitCode: 3}); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func TestLogRoundTrip(t *testing.T) {
	data := writeTestLog(t, 3, true)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 5 || !strings.Contains(lines[0], `"format":"depaudit.capture/v1"`) {
		t.Fatalf("log layout:\n%s", data)
	}
	l, err := ReadLog(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if l.Truncated() || len(l.Exchanges) != 3 || l.Trailer.ExitCode != 3 || l.Trailer.Exchanges != 3 || l.Header.Command[0] != "make" {
		t.Errorf("read back %+v", l)
	}
	if l.Exchanges[2].URL != "https://e.com/xxx" || !l.Exchanges[0].Complete {
		t.Errorf("exchange fields lost: %+v", l.Exchanges)
	}
}

func TestReadLogDamage(t *testing.T) {
	full := writeTestLog(t, 3, true)
	noTrailer := writeTestLog(t, 3, false)
	cut := noTrailer[:len(noTrailer)-10]
	for _, tc := range []struct {
		name      string
		data      []byte
		exchanges int
		damage    string
		trailer   bool
	}{
		{"complete", full, 3, "", true},
		{"no trailer (crash)", noTrailer, 3, "", false},
		{"last line cut", cut, 2, "line 4: cut short", false},
		{"garbage line", append(append([]byte{}, noTrailer...), "not json\n{}\n"...), 3, "line 5", false},
		{"data after trailer", append(append([]byte{}, full...), `{"record":"exchange"}`+"\n"...), 3, "after the trailer", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := ReadLog(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if len(l.Exchanges) != tc.exchanges || (l.Trailer != nil) != tc.trailer || !strings.Contains(l.Damage, tc.damage) ||
				(tc.damage == "" && l.Damage != "") {
				t.Errorf("got %d exchanges, trailer %v, damage %q", len(l.Exchanges), l.Trailer != nil, l.Damage)
			}
			if !l.Truncated() && tc.name != "complete" {
				t.Error("damaged log not reported as truncated")
			}
		})
	}
}

// TestReadLogSkipsDamagedLines: a damaged line in the middle of a log
// (a NUL byte, a half-written line, garbage) loses only itself; every good
// line after it is read, and the damage is counted.
func TestReadLogSkipsDamagedLines(t *testing.T) {
	whole := strings.SplitAfter(string(writeTestLog(t, 5, true)), "\n")
	// whole: header, 5 exchanges, trailer, "".
	lines := slices.Clone(whole)
	lines[2] = lines[2][:10] + "\x00" + lines[2][10:]
	lines[4] = lines[4][:25] + "\n"
	damaged := strings.Join(lines[:6], "") + "not json\n" + `{"record":"blocked","host":"x"}` + "\n" + strings.Join(lines[6:], "")
	l, err := ReadLog(strings.NewReader(damaged))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, x := range l.Exchanges {
		ids = append(ids, x.ID)
	}
	if fmt.Sprint(ids) != "[1 3 5]" || l.Trailer == nil || l.Trailer.Exchanges != 5 {
		t.Errorf("exchanges %v, trailer %+v: want 1, 3, 5 and the trailer", ids, l.Trailer)
	}
	if l.DamagedLines != 3 || !strings.HasPrefix(l.Damage, "line 3: ") || l.UnknownRecords != 1 || !l.Truncated() {
		t.Errorf("damaged lines %d (first %q), unknown records %d, truncated %v: want 3 from line 3, 1, true",
			l.DamagedLines, l.Damage, l.UnknownRecords, l.Truncated())
	}
	// A record of a kind this reader does not know is no damage.
	l, err = ReadLog(strings.NewReader(strings.Join(whole[:6], "") + `{"record":"x"}` + "\n" + whole[6]))
	if err != nil || l.Damage != "" || l.UnknownRecords != 1 || len(l.Exchanges) != 5 || l.Trailer == nil {
		t.Errorf("unknown record: %v, damage %q, unknown %d, %d exchanges", err, l.Damage, l.UnknownRecords, len(l.Exchanges))
	}
}

func TestReadLogRejectsOtherFiles(t *testing.T) {
	for _, in := range []string{"", "{}\n", `{"record":"header","format":"other/v9"}` + "\n", "PK\x03\x04 zip", `{"bomFormat":"CycloneDX"}`} {
		if _, err := ReadLog(strings.NewReader(in)); !errors.Is(err, ErrNotCaptureLog) {
			t.Errorf("ReadLog(%q) error = %v, want ErrNotCaptureLog", in, err)
		}
	}
}

func TestLogWriterConcurrentLinesStayWhole(t *testing.T) {
	var b bytes.Buffer
	lw, _ := NewLogWriter(&b, Header{})
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			lw.WriteExchange(&Exchange{ID: int64(i), URL: strings.Repeat("u", 1000)})
		}(i)
	}
	wg.Wait()
	lw.Close(Trailer{})
	l, err := ReadLog(&b)
	if err != nil || l.Damage != "" || len(l.Exchanges) != 50 || l.Trailer.Exchanges != 50 {
		t.Fatalf("err %v damage %q n %d", err, l.Damage, len(l.Exchanges))
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n <= 0 {
		return 0, errors.New("disk full")
	}
	w.n--
	return len(p), nil
}

func TestLogWriterReportsWriteErrors(t *testing.T) {
	lw, err := NewLogWriter(&failingWriter{n: 2}, Header{})
	if err != nil {
		t.Fatal(err)
	}
	if err := lw.WriteExchange(&Exchange{ID: 1}); err != nil {
		t.Fatal(err)
	}
	if err := lw.WriteExchange(&Exchange{ID: 2}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("write error not reported: %v", err)
	}
	if err := lw.Close(Trailer{}); err == nil {
		t.Error("Close after a failed write succeeded")
	}
	if _, err := NewLogWriter(&failingWriter{}, Header{}); err == nil {
		t.Error("header write error not reported")
	}
}

func FuzzReadLog(f *testing.F) {
	f.Add([]byte(`{"record":"header","format":"depaudit.capture/v1"}` + "\n" + `{"record":"exchange","id":1}` + "\n"))
	f.Add([]byte(`{"record":"header","format":"depaudit.capture/v1"}` + "\n" + `{"record":"trailer","exit_code":1}`))
	f.Add([]byte(`{"record":"header","format":"depaudit.capture/v1"}` + "\n" + `{"record":"exchange","id":1}` + "\n" + `{"record":"digests","exchange":1,"digests":[{"subject":"https://e.com/a.tgz","alg":"sha1","value":"00"}]}` + "\n"))
	f.Add([]byte(`{"record":"header","format":"depaudit.capture/v1"}` + "\n" + `{"record":"exch`))
	f.Add([]byte(`{"record":"header","format":"depaudit.capture/v1"}` + "\n" + `{"rec` + "\x00" + `ord":"exchange","id":1}` + "\n" +
		`{"record":"exchange","id":2}` + "\n" + `{"record":"other"}` + "\n" + `{"record":"trailer","exchanges":2}` + "\n" + `{"record":"exchange","id":3}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ReadLog(bytes.NewReader(data))
		if err != nil {
			if l != nil {
				t.Error("log returned with an error")
			}
			return
		}
		if l.Header.Format != LogFormat {
			t.Errorf("accepted format %q", l.Header.Format)
		}
		if (l.Damage == "") != (l.DamagedLines == 0) {
			t.Errorf("damage %q with %d damaged lines", l.Damage, l.DamagedLines)
		}
		// Read exchange by exchange, the log is the same.
		openLogAgrees(t, data)
	})
}

// A registry document that lists every version's digests makes a long
// line (typescript's npm packument: 6,956 digests, 1.5 MB): it is read
// back whole, and so is what follows it.
func TestLogLongExchangeLine(t *testing.T) {
	var b bytes.Buffer
	lw, err := NewLogWriter(&b, Header{Version: "test", Start: time.Unix(0, 0).UTC()})
	if err != nil {
		t.Fatal(err)
	}
	big := &Exchange{ID: 1, Method: "GET", URL: "https://registry.npmjs.org/typescript", Status: 200, Complete: true}
	for i := range 20000 {
		big.Digests = append(big.Digests, Digest{
			Subject:   fmt.Sprintf("https://registry.npmjs.org/typescript/-/typescript-0.%d.0.tgz", i),
			Algorithm: "sha512", Value: strings.Repeat("ab", 64), Source: "published",
		})
	}
	lw.WriteExchange(big)
	lw.WriteExchange(&Exchange{ID: 2, Method: "GET", URL: "https://registry.npmjs.org/typescript/-/typescript-5.9.3.tgz", Status: 200, Complete: true})
	if err := lw.Close(Trailer{}); err != nil {
		t.Fatal(err)
	}
	if longest := len(strings.Split(b.String(), "\n")[1]); longest < 4<<20 {
		t.Fatalf("the test line is only %d bytes", longest)
	}
	l, err := ReadLog(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if l.Truncated() || len(l.Exchanges) != 2 || len(l.Exchanges[0].Digests) != 20000 || l.Exchanges[1].ID != 2 {
		t.Fatalf("read back: damage %q, %d exchanges", l.Damage, len(l.Exchanges))
	}
}

func TestLogSealedRecords(t *testing.T) {
	var b bytes.Buffer
	lw, err := NewLogWriter(&b, Header{Version: "test", Start: time.Unix(0, 0).UTC(), Command: []string{"make"}, Sealed: true})
	if err != nil {
		t.Fatal(err)
	}
	lw.WriteLookup(&Lookup{Name: "github.com", Type: "A", Answer: []string{"198.18.0.1"}})
	lw.WriteExchange(&Exchange{ID: 1, Method: "GET", URL: "https://github.com/", Status: 200, Complete: true, Transparent: true})
	lw.WriteConnection(&Connection{Action: ConnBlocked, Protocol: "tcp/ssh", Dest: "198.18.0.1", Port: 22, Name: "github.com", Reason: "neither TLS nor HTTP"})
	lw.WriteConnection(&Connection{Action: ConnRelayed, Protocol: "tcp", Dest: "10.0.0.5", Port: 5432, BytesOut: 5, BytesIn: 7})
	if err := lw.Close(Trailer{}); err != nil {
		t.Fatal(err)
	}
	l, err := ReadLog(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if !l.Header.Sealed || l.Truncated() || len(l.Exchanges) != 1 || !l.Exchanges[0].Transparent || l.Trailer.Exchanges != 1 {
		t.Errorf("read back %+v", l)
	}
	if len(l.Lookups) != 1 || l.Lookups[0].Answer[0] != "198.18.0.1" {
		t.Errorf("lookups %+v", l.Lookups)
	}
	if len(l.Connections) != 2 || l.Connections[0].Target() != "github.com:22" || l.Connections[1].Target() != "10.0.0.5:5432" ||
		l.Connections[1].BytesIn != 7 {
		t.Errorf("connections %+v", l.Connections)
	}
}
