package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// termSafe escapes, in what depaudit prints, the characters a terminal
// acts on: C0 controls but newline and tab (ESC starts the sequences that
// retitle windows, clear the screen or forge hyperlinks), DEL, C1 controls,
// the bidirectional-text overrides that reorder what is shown, and invalid
// UTF-8. Hosts, URLs, package names and messages come from the network;
// printed raw, a hostile server could rewrite the user's terminal. Each
// is written as \uXXXX (\xXX for a byte that is not UTF-8), which is also
// a valid escape inside a JSON string.
type termSafe struct{ w io.Writer }

func (t termSafe) Write(p []byte) (int, error) {
	if !needsEscape(p) {
		return t.w.Write(p)
	}
	if _, err := io.WriteString(t.w, escapeTerminal(string(p))); err != nil {
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

// escapeTerminal returns s with what a terminal acts on escaped (see
// termSafe).
func escapeTerminal(s string) string {
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

// withSafeStderr returns a copy of env whose standard error escapes what a
// terminal acts on: for depaudit's own messages, never for a child's.
func (env *appEnv) withSafeStderr() *appEnv {
	e := *env
	if _, ok := e.stderr.(termSafe); !ok {
		e.stderr = termSafe{e.stderr}
	}
	return &e
}
