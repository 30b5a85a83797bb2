// Package termsafe escapes text from the network before it reaches a
// terminal: hosts, URLs, package names and messages that depaudit prints
// come from servers and SBOMs it does not control.
package termsafe

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Writer escapes, in what it writes, the characters a terminal
// acts on: C0 controls but newline and tab (ESC starts the sequences that
// retitle windows, clear the screen or forge hyperlinks), DEL, C1 controls,
// the bidirectional-text overrides that reorder what is shown, and invalid
// UTF-8. Hosts, URLs, package names and messages come from the network;
// printed raw, a hostile server could rewrite the user's terminal. Each
// is written as \uXXXX (\xXX for a byte that is not UTF-8), which is also
// a valid escape inside a JSON string.
type Writer struct{ W io.Writer }

// Write writes p to W, escaped. It reports len(p) written when the
// escaped form was written whole.
func (t Writer) Write(p []byte) (int, error) {
	if !needsEscape(p) {
		return t.W.Write(p)
	}
	if _, err := io.WriteString(t.W, String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

func needsEscape(p []byte) bool {
	for i := 0; i < len(p); {
		if p[i] < utf8.RuneSelf {
			if unsafeRune(rune(p[i])) {
				return true
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && n <= 1 || unsafeRune(r) {
			return true
		}
		i += n
	}
	return false
}

// unsafeRune reports whether a terminal may act on r.
func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

// String returns s with what a terminal acts on escaped (see Writer).
func String(s string) string {
	if !needsEscape([]byte(s)) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
