package urlkey

import "testing"

func TestKey(t *testing.T) {
	cases := []struct {
		name, a, b string
		same       bool
	}{
		{"query order", "https://cdn.example/a/b.tgz?x=1&y=2", "https://cdn.example/a/b.tgz?y=2&x=1", true},
		{"query only", "https://cdn.example/a/b.tgz?sig=AAA", "https://cdn.example/a/b.tgz?sig=%5BREDACTED%5D", true},
		{"no query", "https://cdn.example/a/b.tgz?", "https://cdn.example/a/b.tgz", true},
		{"fragment", "https://cdn.example/a#frag", "https://cdn.example/a", true},
		{"https default port", "https://cdn.example:443/a", "https://cdn.example/a", true},
		{"http default port", "http://cdn.example:80/a", "http://cdn.example/a", true},
		{"443 on http is not default", "http://cdn.example:443/a", "http://cdn.example/a", false},
		{"80 on https is not default", "https://cdn.example:80/a", "https://cdn.example/a", false},
		{"other port", "https://cdn.example:8443/a", "https://cdn.example/a", false},
		{"scheme differs", "http://cdn.example/a", "https://cdn.example/a", false},
		{"case of scheme and host", "HTTPS://CDN.Example/a", "https://cdn.example/a", true},
		{"case of path", "https://cdn.example/A", "https://cdn.example/a", false},
		{"trailing dot", "https://cdn.example./a", "https://cdn.example/a", true},
		{"userinfo", "https://user:secret@cdn.example/a", "https://cdn.example/a", true},
		{"percent-encoded unreserved", "https://cdn.example/%7Euser/%61", "https://cdn.example/~user/a", true},
		{"escape case", "https://cdn.example/%2fa%2Fb", "https://cdn.example/%2Fa%2fb", true},
		{"encoded slash is not a slash", "https://cdn.example/@scope%2fname", "https://cdn.example/@scope/name", false},
		{"IDNA", "https://bücher.example/a", "https://xn--bcher-kva.example/a", true},
		{"IDNA upper case", "https://BÜCHER.example/a", "https://xn--bcher-kva.example/a", true},
		{"IPv6 default port", "https://[::1]:443/a", "https://[::1]/a", true},
		{"empty path", "https://cdn.example", "https://cdn.example/", true},
		{"path differs", "https://cdn.example/a", "https://cdn.example/b", false},
	}
	for _, c := range cases {
		ka, kb := Key(c.a), Key(c.b)
		if ka == "" || kb == "" {
			t.Errorf("%s: Key(%q) = %q, Key(%q) = %q: want both non-empty", c.name, c.a, ka, c.b, kb)
			continue
		}
		if (ka == kb) != c.same {
			t.Errorf("%s: Key(%q) = %q, Key(%q) = %q: same = %v, want %v", c.name, c.a, ka, c.b, kb, ka == kb, c.same)
		}
	}
}

func TestKeyForm(t *testing.T) {
	cases := map[string]string{
		"HTTPS://User:Pw@Objects.GitHubUserContent.com:443/gh/a%7eb?X-Amz-Signature=s#f": "https://objects.githubusercontent.com/gh/a~b",
		"http://[::1]:8080/x":  "http://[::1]:8080/x",
		"ftp://example.com/x":  "",
		"/relative/path":       "",
		"https:///nohost":      "",
		"%zz":                  "",
		"https://example.com?": "https://example.com/",
	}
	for in, want := range cases {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHost(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://Registry.NPMJS.org:443/x", "registry.npmjs.org"},
		{"http://example.com:80/", "example.com"},
		{"http://example.com:443/", "example.com:443"},
		{"https://example.com:80/", "example.com:80"},
		{"https://example.com.:8443/", "example.com:8443"},
		{"https://u:p@bücher.example/", "xn--bcher-kva.example"},
		{"https://[2001:DB8::1]:443/", "[2001:db8::1]"},
		{"https://[2001:db8::1]:8443/", "[2001:db8::1]:8443"},
		{"not a url", ""},
	}
	for _, c := range cases {
		if got := Host(c.in); got != c.want {
			t.Errorf("Host(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHostPort(t *testing.T) {
	cases := []struct{ scheme, in, want string }{
		{"https", "Example.COM:443", "example.com"},
		{"http", "example.com:80", "example.com"},
		{"http", "example.com:443", "example.com:443"},
		{"https", "example.com:80", "example.com:80"},
		{"", "Example.com:443", "example.com:443"},
		{"", "Example.com.", "example.com"},
		{"https", "[::1]:443", "[::1]"},
		{"https", "[::1]", "[::1]"},
		{"https", "", ""},
	}
	for _, c := range cases {
		if got := HostPort(c.scheme, c.in); got != c.want {
			t.Errorf("HostPort(%q, %q) = %q, want %q", c.scheme, c.in, got, c.want)
		}
	}
}

func TestHostname(t *testing.T) {
	cases := map[string]string{
		"Example.COM":           "example.com",
		"example.com.":          "example.com",
		"example.com:8443":      "example.com",
		"[::1]:443":             "::1",
		"BÜCHER.example":        "xn--bcher-kva.example",
		"xn--bcher-kva.EXAMPLE": "xn--bcher-kva.example",
		"":                      "",
	}
	for in, want := range cases {
		if got := Hostname(in); got != want {
			t.Errorf("Hostname(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolve(t *testing.T) {
	base := "https://github.com/o/r/releases/download/v1/a.tgz?x=1"
	cases := []struct{ base, loc, want string }{
		{base, "https://objects.githubusercontent.com/a?sig=1", "https://objects.githubusercontent.com/a?sig=1"},
		{base, "/o/r/releases/download/v2/a.tgz", "https://github.com/o/r/releases/download/v2/a.tgz"},
		{base, "b.tgz", "https://github.com/o/r/releases/download/v1/b.tgz"},
		{base, "//cdn.example/x", "https://cdn.example/x"},
		{base, "?y=2", "https://github.com/o/r/releases/download/v1/a.tgz?y=2"},
		{base, "https://cdn.example/x#frag", "https://cdn.example/x"},
		{"not absolute", "b", ""},
		{base, "%zz", ""},
	}
	for _, c := range cases {
		if got := Resolve(c.base, c.loc); got != c.want {
			t.Errorf("Resolve(%q, %q) = %q, want %q", c.base, c.loc, got, c.want)
		}
	}
}

func FuzzKey(f *testing.F) {
	for _, s := range []string{"https://a.example/x?y", "HTTP://[::1]:80/%7e", "https://bücher.example./a%2f", "%", "https://:0/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k := Key(s)
		if k == "" {
			return
		}
		// A key is a URL whose key is itself.
		if k2 := Key(k); k2 != k {
			t.Fatalf("Key(%q) = %q, but Key(%q) = %q", s, k, k, k2)
		}
		_ = Resolve(s, s)
		_ = Host(s)
	})
}
