package verify

import (
	"fmt"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

func TestCargoIndex(t *testing.T) {
	a, _, _, _ := sums([]byte("0.1.0"))
	b, _, _, _ := sums([]byte("0.2.0"))
	index := fmt.Appendf(nil, `{"name":"Serde_Like","vers":"0.1.0","deps":[{"name":"dep","req":"^0.2","features":[],"optional":false,"default_features":true,"target":null,"kind":"normal"}],"cksum":%q,"features":{},"yanked":false}
{"name":"Serde_Like","vers":"0.2.0+build.1","deps":[],"cksum":%q,"features":{"std":[]},"yanked":true,"links":null,"v":2,"features2":{}}
not json
{"name":"Serde_Like","vers":"0.3.0","deps":[],"cksum":"short","features":{}}
`, a, b)
	got := inspect(t, "https://index.crates.io/se/rd/serde_like", "text/plain", "", index)
	want := []capture.Digest{
		{Subject: "pkg:cargo/Serde_Like@0.1.0", Algorithm: "sha256", Value: a, Source: "published"},
		{Subject: "pkg:cargo/Serde_Like@0.2.0%2Bbuild.1", Algorithm: "sha256", Value: b, Source: "published"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}
