package capture

import (
	"slices"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://registry.npmjs.org/a/-/a-1.0.0.tgz", "https://registry.npmjs.org/a/-/a-1.0.0.tgz"},
		{"https://user:pass@example.com/x", "https://REDACTED@example.com/x"},
		{"https://tok@example.com/x", "https://REDACTED@example.com/x"},
		{"https://e.com/x?token=abc&v=1", "https://e.com/x?token=REDACTED&v=1"},
		{"https://e.com/x?access_token=abc", "https://e.com/x?access_token=REDACTED"},
		{"https://e.com/x?X-Amz-Algorithm=AWS4&X-Amz-Credential=AK%2F1&X-Amz-Signature=ff&X-Amz-Security-Token=tt",
			"https://e.com/x?X-Amz-Algorithm=AWS4&X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&X-Amz-Security-Token=REDACTED"},
		{"https://e.blob.core.windows.net/c/f?sv=2020&sig=abc%3D", "https://e.blob.core.windows.net/c/f?sv=2020&sig=REDACTED"},
		{"https://e.com/x?api_key=1&password=2&private_token=3", "https://e.com/x?api_key=REDACTED&password=REDACTED&private_token=REDACTED"},
		{"https://e.com/cb#access_token=abc&state=1", "https://e.com/cb#REDACTED"},
		{"https://e.com/x?go-get=1", "https://e.com/x?go-get=1"},
	} {
		got, changed := RedactURL(tc.in)
		if got != tc.want || changed != (tc.in != tc.want) {
			t.Errorf("RedactURL(%q) = %q, %v; want %q", tc.in, got, changed, tc.want)
		}
	}
}

func TestRedactArgs(t *testing.T) {
	in := []string{"curl", "-H", "Accept: x", "--token", "T1", "--password=T2", "https://u:T3@h/p?sig=T4", "--user", "bob", "plain"}
	got := RedactArgs(in)
	want := []string{"curl", "-H", "Accept: x", "--token", "REDACTED", "--password=REDACTED", "https://REDACTED@h/p?sig=REDACTED", "--user", "bob", "plain"}
	if !slices.Equal(got, want) {
		t.Errorf("RedactArgs = %q\nwant %q", got, want)
	}
	if in[4] != "T1" {
		t.Error("input modified")
	}
}

func FuzzRedactURL(f *testing.F) {
	for _, s := range []string{"https://u:p@h/x?token=t", "http://h/%zz?key=1", "://@:", "https://h/x#access_token=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		out, _ := RedactURL(raw)
		// A secret query value that parsed must never survive.
		if strings.Contains(raw, "token=SECRETVALUE") && strings.Contains(out, "SECRETVALUE") && !strings.Contains(raw, "#") {
			if _, err := parseOK(raw); err == nil {
				t.Errorf("secret survived: %q -> %q", raw, out)
			}
		}
		again, _ := RedactURL(out)
		if again != out {
			t.Errorf("not idempotent: %q -> %q -> %q", raw, out, again)
		}
	})
}

func parseOK(raw string) (string, error) {
	u, err := urlParse(raw)
	if err != nil {
		return "", err
	}
	return u, nil
}
