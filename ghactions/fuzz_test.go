package ghactions_test

import (
	"strings"
	"testing"

	"github.com/depaudit/depaudit/ghactions"
)

// unescape reverses the escapes of a workflow command's property.
func unescape(s string) string {
	return strings.NewReplacer("%0D", "\r", "%0A", "\n", "%3A", ":", "%2C", ",", "%25", "%").Replace(s)
}

// FuzzEscape checks that an escaped value never ends a workflow command
// early (no CR or LF; a property has no ':' or ','), and that GitHub's
// unescaping gives the value back.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"", "plain", "50%\r\nnext", "a: b, c", "%0A", "::error::x", "%%3A%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, p := ghactions.EscapeData(s), ghactions.EscapeProperty(s)
		if strings.ContainsAny(d, "\r\n") || strings.ContainsAny(p, "\r\n:,") {
			t.Fatalf("escaped %q: data %q, property %q", s, d, p)
		}
		if got := unescape(p); got != s {
			t.Fatalf("property %q unescapes to %q, want %q", p, got, s)
		}
		if got := strings.NewReplacer("%0D", "\r", "%0A", "\n", "%25", "%").Replace(d); got != s {
			t.Fatalf("data %q unescapes to %q, want %q", d, got, s)
		}
	})
}
