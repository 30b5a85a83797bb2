package verify

import (
	"crypto/md5"
	"encoding/hex"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

func TestMavenSidecars(t *testing.T) {
	jar := "https://repo.maven.apache.org/maven2/org/apache/commons/commons-lang3/3.14.0/commons-lang3-3.14.0.jar"
	s256, s512, s1, _ := sums([]byte("jar"))
	for _, tc := range []struct {
		ext, body, alg, want string
	}{
		{"sha1", s1, "sha1", s1},
		{"sha1", s1 + "  commons-lang3-3.14.0.jar\n", "sha1", s1},
		{"sha1", "SHA1 (commons-lang3-3.14.0.jar) = " + s1 + "\n", "sha1", s1},
		{"sha256", s256 + "\n", "sha256", s256},
		{"sha512", s512, "sha512", s512},
		{"md5", "0123456789ABCDEF0123456789abcdef *commons-lang3-3.14.0.jar", "md5", "0123456789abcdef0123456789abcdef"},
		{"sha1", "not a digest\n", "", ""},
	} {
		got := inspect(t, jar+"."+tc.ext, "text/plain", "", []byte(tc.body))
		var want []capture.Digest
		if tc.want != "" {
			want = []capture.Digest{{Subject: jar, Algorithm: tc.alg, Value: tc.want, Source: "published"}}
		}
		if digestSet(got) != digestSet(want) {
			t.Errorf("%s %q: got %v, want %v", tc.ext, tc.body, got, want)
		}
	}
}

func TestMavenArtifactMD5(t *testing.T) {
	jar := "https://repo1.maven.org/maven2/org/example/lib/1.0/lib-1.0.jar"
	got := inspect(t, jar, "application/java-archive", "", []byte("jar"))
	sum := md5.Sum([]byte("jar"))
	want := []capture.Digest{{Subject: jar, Algorithm: "md5", Value: hex.EncodeToString(sum[:]), Source: "computed"}}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
