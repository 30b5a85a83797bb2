package verify

import (
	"fmt"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

func TestGemInfo(t *testing.T) {
	ruby, _, _, _ := sums([]byte("nokogiri 1.16.0"))
	linux, _, _, _ := sums([]byte("nokogiri 1.16.0 x86_64-linux"))
	info := fmt.Appendf(nil, "---\n"+
		"1.15.0 mini_portile2:~> 2.8.2,racc:~> 1.4|checksum:short,ruby:>= 2.7\n"+
		"1.16.0 mini_portile2:~> 2.8.2,racc:~> 1.4|checksum:%s,ruby:>= 3.0, < 3.4.dev\n"+
		"1.16.0-x86_64-linux racc:~> 1.4|checksum:%s,ruby:>= 3.0, < 3.4.dev\n"+
		"garbage\n\n", strings.ToUpper(ruby), linux)
	got := inspect(t, "https://index.rubygems.org/info/nokogiri", "text/plain; charset=utf-8", "", info)
	want := []capture.Digest{
		{Subject: "pkg:gem/nokogiri@1.16.0", Algorithm: "sha256", Value: ruby, Source: "published"},
		{Subject: "pkg:gem/nokogiri@1.16.0?platform=x86_64-linux", Algorithm: "sha256", Value: linux, Source: "published"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}

	// The gem files are checked against them.
	good := artifactExchange("https://rubygems.org/gems/nokogiri-1.16.0-x86_64-linux.gem", []byte("nokogiri 1.16.0 x86_64-linux"))
	bad := artifactExchange("https://rubygems.org/gems/nokogiri-1.16.0.gem", []byte("tampered"))
	ev := collect(logOf(capture.Exchange{URL: "https://index.rubygems.org/info/nokogiri", Digests: got}, good, bad), defaultClassifier())
	if v := ev.Check("pkg:gem/nokogiri@1.16.0?platform=x86_64-linux", good.SHA256); v.Status != StatusVerified ||
		strings.Join(v.Sources, ",") != "RubyGems compact index checksum" {
		t.Errorf("good: %+v", v)
	}
	v := ev.Check("pkg:gem/nokogiri@1.16.0", bad.SHA256)
	if v.Status != StatusMismatch || len(v.Mismatches) != 1 || v.Mismatches[0].Expected != ruby || v.Mismatches[0].Received != bad.SHA256 {
		t.Errorf("bad: %+v", v)
	}
}

func TestGemInfoLine(t *testing.T) {
	const sum = "00000000000000000000000000000000000000000000000000000000000000ff"
	for _, tc := range []struct {
		line                    string
		version, platform, want string
	}{
		{"1.0.0 |checksum:" + sum, "1.0.0", "", sum},
		{"1.0.0-java a:>= 0|checksum:" + sum + ",ruby:>= 2", "1.0.0", "java", sum},
		{"2.0.0.rc1-x64-mingw-ucrt |ruby:>= 2,checksum:" + sum, "2.0.0.rc1", "x64-mingw-ucrt", sum},
		{"1.0.0-ruby |checksum:" + sum, "1.0.0", "", sum},
		{"---", "", "", ""},
		{"1.0.0 |ruby:>= 2", "", "", ""},
		{"1.0.0 |checksum:xyz", "", "", ""},
		{"-java |checksum:" + sum, "", "", ""},
	} {
		v, p, s, ok := GemInfoLine(tc.line)
		if ok != (tc.want != "") || v != tc.version || p != tc.platform || s != tc.want {
			t.Errorf("GemInfoLine(%q) = %q %q %q %v", tc.line, v, p, s, ok)
		}
	}
}
