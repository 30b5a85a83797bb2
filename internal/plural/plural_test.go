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

func TestList(t *testing.T) {
	hosts := make([]string, 50003)
	for i := range hosts {
		hosts[i] = "h"
	}
	for _, tc := range []struct {
		items []string
		want  string
	}{
		{nil, ""},
		{[]string{"a", "b"}, "a, b"},
		{[]string{"a", "b", "c", "d"}, "a, b, c and 1 more"},
		{hosts, "h, h, h and 50,000 more"},
	} {
		if got := List(tc.items, 3); got != tc.want {
			t.Errorf("List(%d items) = %q, want %q", len(tc.items), got, tc.want)
		}
	}
}
