package htmlreport_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/htmlreport"
	"github.com/depaudit/depaudit/view"
)

// FuzzWrite writes reports whose strings (URL, host, error, warning,
// violation) are arbitrary, and checks that none of them can end the
// page's script elements or add one, and that the embedded data still
// parses and holds the URL as given.
func FuzzWrite(f *testing.F) {
	for _, s := range []string{"https://registry.npmjs.org/a", "</script><script>alert(1)</script>", "<!--", "]]>", "\u2028\u2029", "\x00", `"}`} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, url, text string) {
		start := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
		l := &capture.Log{Header: capture.Header{Start: start}, Exchanges: []capture.Exchange{
			{ID: 1, Start: start, DurationMS: 3, Method: "GET", URL: url, Host: text, Status: 500, Error: text}}}
		b := &view.Build{ExitCode: 0, Command: text, Project: text, Warnings: []string{text},
			Violations: []view.Violation{{Deny: true, Text: text}}, Counts: map[string]int{}}
		var buf bytes.Buffer
		if err := htmlreport.Write(&buf, htmlreport.Input{Log: l, Build: b}); err != nil {
			t.Fatal(err)
		}
		page := strings.ToLower(buf.String())
		if n := strings.Count(page, "<script"); n != 2 {
			t.Fatalf("%d script elements, want 2", n)
		}
		if n := strings.Count(page, "</script"); n != 2 {
			t.Fatalf("%d script end tags, want 2", n)
		}
		raw := buf.String()
		i := strings.Index(raw, `id="report-data">`) + len(`id="report-data">`)
		j := strings.Index(raw[i:], "</script>")
		var d struct {
			S []string `json:"s"`
		}
		if err := json.Unmarshal([]byte(raw[i:i+j]), &d); err != nil {
			t.Fatalf("embedded data: %v", err)
		}
		// (JSON carries invalid UTF-8 as U+FFFD, byte by byte.)
		var want string
		wb, _ := json.Marshal(url)
		_ = json.Unmarshal(wb, &want)
		found := false
		for _, s := range d.S {
			found = found || s == want
		}
		if !found {
			t.Fatalf("the data does not hold the URL %q", url)
		}
	})
}
