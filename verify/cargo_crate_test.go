package verify

import (
	"bytes"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

// TestCrateFacts: a .crate's Cargo.toml gives its licence and its
// dependencies and build-dependencies, of every target, a renamed one
// under the crate's name; dev-dependencies and path dependencies are not
// registry crates it needs.
func TestCrateFacts(t *testing.T) {
	const url = "https://static.crates.io/crates/app/0.1.0/download"
	toml := `[package]
name = "app"
version = "0.1.0"
license = "MIT OR Apache-2.0"

[dependencies]
serde = "1.0"
rand_core = { version = "0.6", package = "rand_core_alt" }
local = { path = "../local" }

[build-dependencies.cc]
version = "^1.0.83"

[dev-dependencies]
criterion = "0.5"

[target.'cfg(windows)'.dependencies]
winapi = { version = "0.3", features = ["x"] }
`
	crate := crateTgz(t, "app-0.1.0/Cargo.toml", toml)
	got := digestSet(inspect(t, url, "application/gzip", "", crate))
	subject := "pkg:cargo/app@0.1.0"
	want := []capture.Digest{
		{Subject: subject, Algorithm: FactManifest, Value: "Cargo.toml", Source: SourceFact},
		{Subject: subject, Algorithm: FactLicense, Value: "MIT OR Apache-2.0", Source: SourceFact},
	}
	for _, r := range []string{"cc ^1.0.83", "rand_core_alt 0.6", "serde 1.0", "winapi 0.3"} {
		want = append(want, capture.Digest{Subject: subject, Algorithm: FactRequires, Value: r, Source: SourceFact})
	}
	if got != digestSet(want) {
		t.Errorf("facts:\n%s\nwant\n%s", got, digestSet(want))
	}
}

// crateTgz is a .crate holding one file.
func crateTgz(t testing.TB, name, body string) []byte {
	return tgzFiles(t, [][2]string{{name, body}})
}

func FuzzCrate(f *testing.F) {
	f.Add(crateTgz(f, "a-1.0.0/Cargo.toml", "[package]\nlicense=\"MIT\"\n[dependencies]\nb=\"1\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		u := "https://static.crates.io/crates/a/1.0.0/download"
		p := planFor(defaultClassifier().Classify(classifyReq(u)), u, "")
		_ = parseCrate(bytes.NewReader(data), p, func(d capture.Digest) {
			if d.Subject != "pkg:cargo/a@1.0.0" || d.Source != SourceFact {
				t.Fatalf("bad fact %+v", d)
			}
		})
	})
}
