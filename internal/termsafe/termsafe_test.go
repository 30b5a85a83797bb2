package termsafe

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"plain text, tabs\tand\nnewlines", "plain text, tabs\tand\nnewlines"},
		{"évian ünïcode 日本", "évian ünïcode 日本"},
		{"\x1b]0;owned\x07", `\u001b]0;owned\u0007`},
		{"clear\x1b[2J", `clear\u001b[2J`},
		{"bidi \u202eevil\u202c", `bidi \u202eevil\u202c`},
		{"c1 \u009b31m", `c1 \u009b31m`},
		{"del\x7f", `del\u007f`},
		{"bad \xff utf8", `bad \xff utf8`},
	} {
		if got := String(c.in); got != c.want {
			t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWriter(t *testing.T) {
	var b bytes.Buffer
	in := "host \x1b]8;;https://evil/\x07click\n"
	n, err := Writer{&b}.Write([]byte(in))
	if err != nil || n != len(in) {
		t.Fatalf("Write = %d, %v", n, err)
	}
	if strings.ContainsRune(b.String(), 0x1b) || !strings.HasSuffix(b.String(), "click\n") {
		t.Errorf("written %q", b.String())
	}
}

// FuzzString: nothing a terminal acts on survives, and what needs no
// escape is unchanged.
func FuzzString(f *testing.F) {
	for _, s := range []string{"", "a\x1b[31mb", "\u202e", "\xff\xfe", "ok\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if !utf8.ValidString(out) {
			t.Fatalf("String(%q) = %q: not UTF-8", s, out)
		}
		for _, r := range out {
			if unsafeRune(r) {
				t.Fatalf("String(%q) = %q keeps %U", s, out, r)
			}
		}
		if !needsEscape([]byte(s)) && out != s {
			t.Fatalf("String(%q) = %q: changed a safe string", s, out)
		}
	})
}
