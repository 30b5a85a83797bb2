package capture

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// openLogAgrees checks that OpenLog reads data as ReadLog does, its
// exchanges in the order they started, with the usual window and one of
// two lines, and returns what it read with the usual one.
func openLogAgrees(t *testing.T, data []byte) *LogFile {
	t.Helper()
	openLogAgreesWindow(t, data, 2)
	return openLogAgreesWindow(t, data, reorderWindow)
}

func openLogAgreesWindow(t *testing.T, data []byte, win int) *LogFile {
	t.Helper()
	want, werr := ReadLog(bytes.NewReader(data))
	f, err := openLog(bytes.NewReader(data), int64(len(data)), win)
	if (err == nil) != (werr == nil) {
		t.Fatalf("OpenLog error %v, ReadLog error %v", err, werr)
	}
	if err != nil {
		return nil
	}
	var got []Exchange
	if err := f.Exchanges(func(x *Exchange) error { got = append(got, *x); return nil }); err != nil {
		t.Fatalf("Exchanges: %v", err)
	}
	xs := slices.Clone(want.Exchanges)
	slices.SortStableFunc(xs, func(a, b Exchange) int { return cmp.Compare(a.ID, b.ID) })
	if len(got) != len(xs) || f.Len() != len(xs) || (len(xs) > 0 && !reflect.DeepEqual(got, xs)) {
		t.Errorf("exchanges (%d):\n got %+v\nwant %+v", f.Len(), got, xs)
	}
	meta := *want
	meta.Exchanges = nil
	if !reflect.DeepEqual(*f.Log, meta) {
		t.Errorf("log:\n got %+v\nwant %+v", *f.Log, meta)
	}
	return f
}

// A log whose exchanges ended in another order than they started, with
// deferred digests, CRLF line ends, damage and other records, reads the
// same exchange by exchange as whole.
func TestOpenLogAgreesWithReadLog(t *testing.T) {
	head := `{"record":"header","format":"depaudit.capture/v1","version":"t"}` + "\n"
	logs := map[string]string{
		"in order": head + `{"record":"exchange","id":1,"url":"https://a/1"}` + "\n" + `{"record":"exchange","id":2,"url":"https://a/2"}` + "\n" +
			`{"record":"trailer","exchanges":2}` + "\n",
		"completion order, deferred digests": head +
			`{"record":"exchange","id":3,"url":"https://a/3","status":200}` + "\n" +
			`{"record":"exchange","id":1,"url":"https://a/1","digests":[{"subject":"https://a/x","alg":"sha1","value":"01","source":"published"}]}` + "\n" +
			`{"record":"connection","action":"blocked","protocol":"tcp","dest":"10.0.0.1","port":22}` + "\n" +
			`{"record":"exchange","id":2,"url":"https://a/2"}` + "\n" +
			`{"record":"digests","exchange":1,"digests":[{"subject":"https://a/3","alg":"sha256","value":"02","source":"published"}]}` + "\n" +
			`{"record":"digests","exchange":7,"digests":[]}` + "\n" +
			`{"record":"trailer","exchanges":3}` + "\n",
		"crlf and damage": head + `{"record":"exchange","id":2,"url":"https://a/2"}` + "\r\n" + "not json\n" +
			`{"record":"exchange","id":1,"url":"https://a/1"}` + "\r\n" + `{"record":"future"}` + "\n" + `{"record":"exchange","id":1,"url":"https://a/1b"}`,
		"same ID twice": head + `{"record":"exchange","id":1,"url":"https://a/first"}` + "\n" + `{"record":"exchange","id":1,"url":"https://a/second"}` + "\n" +
			`{"record":"digests","exchange":1,"digests":[{"subject":"https://a/x","alg":"sha1","value":"03"}]}` + "\n",
	}
	for name, data := range logs {
		t.Run(name, func(t *testing.T) {
			if f := openLogAgrees(t, []byte(data)); f == nil {
				t.Fatal("not read")
			}
		})
	}
	f := openLogAgrees(t, []byte(logs["completion order, deferred digests"]))
	var ids []int64
	f.Exchanges(func(x *Exchange) error { ids = append(ids, x.ID); return nil })
	if !slices.Equal(ids, []int64{1, 2, 3}) || !strings.Contains(f.Log.Damage, "line 7: digests of exchange 7") {
		t.Errorf("order %v, damage %q", ids, f.Log.Damage)
	}
}

// A request that lasted while more exchanges than the window holds
// started and ended puts the log out of the window's reach: every line's
// place is then kept, and the order is the same; within the window, none
// is kept.
func TestOpenLogWindow(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"record":"header","format":"depaudit.capture/v1"}` + "\n")
	for _, id := range []int{2, 4, 3, 5, 6, 7, 8, 9, 1} {
		fmt.Fprintf(&b, `{"record":"exchange","id":%d,"url":"https://a/%d"}`+"\n", id, id)
	}
	data := []byte(b.String())
	for _, tc := range []struct {
		win     int
		indexed bool
	}{{2, true}, {8, false}, {reorderWindow, false}} {
		f := openLogAgreesWindow(t, data, tc.win)
		var ids []int64
		f.Exchanges(func(x *Exchange) error { ids = append(ids, x.ID); return nil })
		if !slices.Equal(ids, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9}) || (f.index != nil) != tc.indexed {
			t.Errorf("window %d: order %v, index kept %v, want %v", tc.win, ids, f.index != nil, tc.indexed)
		}
	}
}

// Exchanges stops at fn's error, and a file changed since it was opened is
// an error, not another build's exchanges.
func TestLogFileErrors(t *testing.T) {
	data := []byte(`{"record":"header","format":"depaudit.capture/v1"}` + "\n" +
		`{"record":"exchange","id":2,"url":"https://a/2"}` + "\n" + `{"record":"exchange","id":1,"url":"https://a/1"}` + "\n")
	f, err := OpenLog(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	n := 0
	if err := f.Exchanges(func(*Exchange) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("error %v after %d exchanges, want stop after 1", err, n)
	}
	changed := bytes.Replace(data, []byte(`"id":1,`), []byte(`"id":5,`), 1)
	f.r = bytes.NewReader(changed)
	if err := f.Exchanges(func(*Exchange) error { return nil }); err == nil || !strings.Contains(err.Error(), "changed since it was read") {
		t.Errorf("changed file: %v", err)
	}
	if _, err := OpenLog(bytes.NewReader([]byte("{}\n")), 3); !errors.Is(err, ErrNotCaptureLog) {
		t.Errorf("not a log: %v", err)
	}
}

// The IDs and record kinds read from lines without decoding them are what
// decoding them gives, whatever a hand-made line repeats, cases or escapes.
func TestLineFastPathsAgreeWithDecoding(t *testing.T) {
	lines := []string{
		`{"record":"exchange","id":7,"url":"https://a/x?q=1\u0026r=2"}`,
		`{"record":"exchange","id":0,"id":1}`,
		`{"record":"exchange","id":2,"ID":3}`,
		`{"record":"exchange","id":4,"\u0069d":5}`,
		`{"record":"exchange","id":6,"i\u0044":7}`,
		`{"record":"exchange","id":8,"record":"trailer"}`,
		`{"record":"exchange","id":9,"RECORD":"lookup"}`,
		`{"record":"exchange","id":10,"r\u0065cord":"lookup"}`,
		`{"record":"exchange","id":11,"method":"id"}`,
		`{"record":"exch\"ange","id":12}`,
		`{"record":"exchange","id":13,"url":"https://a/\"id\":14"}`,
	}
	for _, line := range lines {
		if !fastPathsAgree(t, []byte(line)) {
			t.Fatalf("%s does not decode", line)
		}
	}
}

// fastPathsAgree checks exchangeID and recordKind against decoding line;
// it reports whether line decodes.
func fastPathsAgree(t *testing.T, line []byte) bool {
	t.Helper()
	var v struct {
		Record string `json:"record"`
		ID     int64  `json:"id"`
	}
	if err := json.Unmarshal(line, &v); err != nil {
		return false
	}
	id, ok := exchangeID(line)
	if ok != (v.Record == RecordExchange) || (ok && id != v.ID) {
		t.Errorf("%q: exchangeID %d %v, decoded %q %d", line, id, ok, v.Record, v.ID)
	}
	if kind, ok := recordKind(line); ok && kind != v.Record {
		t.Errorf("%q: recordKind %q, decoded %q", line, kind, v.Record)
	}
	return true
}

func FuzzLineFastPaths(f *testing.F) {
	f.Add([]byte(`{"record":"exchange","id":7,"url":"https://a/x?q=1\u0026r=2"}`))
	f.Add([]byte(`{"record":"exchange","id":0,"Id":1}`))
	f.Add([]byte(`{"record":"exchange","id":8,"r\u0065cord":"trailer"}`))
	f.Add([]byte(`{"record":"trailer","exchanges":2}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		fastPathsAgree(t, line)
	})
}
