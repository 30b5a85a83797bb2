package plural

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int
		want string
	}{{0, "0 requests"}, {1, "1 request"}, {2, "2 requests"}, {-1, "-1 requests"}} {
		if got := Count(tc.n, "request"); got != tc.want {
			t.Errorf("Count(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := Noun(1, "entry", "entries"); got != "entry" {
		t.Errorf("Noun(1) = %q", got)
	}
	if got := Noun(2, "entry", "entries"); got != "entries" {
		t.Errorf("Noun(2) = %q", got)
	}
}
