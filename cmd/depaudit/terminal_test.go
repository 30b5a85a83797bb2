package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/depaudit/depaudit/capture"
)

// hostile are what a terminal acts on: an OSC that retitles the window
// (and could forge a hyperlink), a clear-screen CSI, a bidi override that
// reverses what follows, a C1 CSI, DEL and a byte that is not UTF-8.
var hostile = []string{"\x1b]0;pwned\x07", "\x1b[2J", "\u202e", "\u009b31m", "\x7f", "\xff"}

func checkTerminalSafe(t *testing.T, what, out string) {
	t.Helper()
	for _, h := range []string{"\x1b", "\x07", "\u202e", "\u009b", "\x7f", "\xff"} {
		if strings.Contains(out, h) {
			t.Errorf("%s prints %q raw:\n%q", what, h, out)
		}
	}
}

// TestReportEscapesTerminalControls: hosts and URLs with terminal escapes,
// from a capture log, are printed escaped by report's summary and
// warnings, by classify, and in error messages.
func TestReportEscapesTerminalControls(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "c.jsonl")
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	lw, err := capture.NewLogWriter(f, capture.Header{Version: "test", Start: time.Now().UTC(), Command: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hostile {
		host := "evil" + h + ".example"
		for _, x := range []capture.Exchange{
			{ID: int64(3*i + 1), Method: "GET", URL: "https://" + host + "/tool" + h, Host: host, Status: 200, Complete: true,
				Bytes: 3, SHA256: strings.Repeat("a", 64), ContentLength: 3},
			{ID: int64(3*i + 2), Method: "CONNECT", URL: "https://pinned" + h + ".example/", Host: "pinned" + h + ".example",
				ContentLength: -1, Error: "TLS handshake with the client failed"},
			{ID: int64(3*i + 3), Method: "GET", URL: "https://refused" + h + ".example/", Host: "refused" + h + ".example",
				Status: 407, ContentLength: -1, Error: capture.ErrProxyAuthRequired},
		} {
			if err := lw.WriteExchange(&x); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := lw.Close(capture.Trailer{End: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	f.Close()

	r := newReportEnv("")
	if code := r.run("report", "-o", filepath.Join(dir, "bom.json"), "--unclassified", filepath.Join(dir, "u.json"), logPath); code != 0 {
		t.Fatalf("report: exit %d\n%s", code, r.stderr)
	}
	checkTerminalSafe(t, "report", r.stderr.String())
	if !strings.Contains(r.stderr.String(), `evil\u001b]0;pwned\u0007.example`) {
		t.Errorf("report does not name the host, escaped:\n%s", r.stderr)
	}

	for _, h := range hostile {
		code, out, errOut := runClassifyCLI(t, "https://h.example/x"+h)
		checkTerminalSafe(t, "classify", out+errOut)
		if code != 0 && code != exitError {
			t.Errorf("classify: exit %d", code)
		}
	}
	r = newReportEnv("")
	r.run("report", filepath.Join(dir, "missing"+hostile[0]+hostile[1]))
	checkTerminalSafe(t, "an error message", r.stderr.String())
}
