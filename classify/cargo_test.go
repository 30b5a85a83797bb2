package classify

import "testing"

func TestCargo(t *testing.T) {
	const (
		A, M, API = KindArtifact, KindMetadata, KindAPI
		cargo     = EcosystemCargo
	)
	runRows(t, []row{
		get("https://static.crates.io/crates/allocator-api2/allocator-api2-0.2.21.crate", A, cargo, "pkg:cargo/allocator-api2@0.2.21"),
		get("https://static.crates.io/crates/serde/1.0.217/download", A, cargo, "pkg:cargo/serde@1.0.217"),
		get("https://static.crates.io/crates/serde_json/serde_json-1.0.108.crate", A, cargo, "pkg:cargo/serde_json@1.0.108"),
		get("https://static.crates.io/crates/windows-sys/0.52.0/download", A, cargo, "pkg:cargo/windows-sys@0.52.0"),
		get("https://static.crates.io/crates/foo/foo-1.0.0%2Bzstd.1.5.5.crate", A, cargo, "pkg:cargo/foo@1.0.0%2Bzstd.1.5.5"),
		get("https://static.crates.io/crates/zstd-sys/2.0.9%2Bzstd.1.5.5/download", A, cargo, "pkg:cargo/zstd-sys@2.0.9%2Bzstd.1.5.5"),
		get("https://static.crates.io/crates/tokio/tokio-1.35.0-alpha.1.crate", A, cargo, "pkg:cargo/tokio@1.35.0-alpha.1"),
		get("https://static.crates.io/crates/Inflector/Inflector-0.11.4.crate", A, cargo, "pkg:cargo/Inflector@0.11.4"),
		// The redirecting API download is still the artifact.
		{url: "https://crates.io/api/v1/crates/serde/1.0.217/download", status: 302,
			location: "https://static.crates.io/crates/serde/serde-1.0.217.crate", kind: A, eco: cargo, purl: "pkg:cargo/serde@1.0.217"},
		get("https://crates.io/api/v1/crates/rand/0.8.5/download", A, cargo, "pkg:cargo/rand@0.8.5"),
		// The sparse index.
		get("https://index.crates.io/config.json", M, cargo, ""),
		get("https://index.crates.io/se/rd/serde", M, cargo, "pkg:cargo/serde"),
		get("https://index.crates.io/1/a", M, cargo, "pkg:cargo/a"),
		get("https://index.crates.io/2/cc", M, cargo, "pkg:cargo/cc"),
		get("https://index.crates.io/3/l/log", M, cargo, "pkg:cargo/log"),
		get("https://index.crates.io/to/ki/tokio", M, cargo, "pkg:cargo/tokio"),
		get("https://index.crates.io/in/fl/inflector", M, cargo, "pkg:cargo/inflector"),
		get("https://index.crates.io/se/rd/tokio", API, cargo, ""),
		get("https://index.crates.io/3/x/log", API, cargo, ""),
		// Other API endpoints and pages.
		get("https://crates.io/api/v1/crates?q=serde", API, cargo, ""),
		get("https://crates.io/api/v1/crates/serde", API, cargo, ""),
		{method: "PUT", url: "https://crates.io/api/v1/crates/new", kind: API, eco: cargo},
		get("https://crates.io/api/v1/crates/serde/1.0.217/downloads", API, cargo, ""),
		// Malformed downloads and look-alikes.
		get("https://static.crates.io/crates/serde/tokio-1.0.0.crate", A, EcosystemGeneric,
			"pkg:generic/tokio@1.0.0?download_url=https:%2F%2Fstatic.crates.io%2Fcrates%2Fserde%2Ftokio-1.0.0.crate"),
		get("https://static.crates.io/crates/serde/latest/download", API, cargo, ""),
		none("https://static.crates.io.evil.example/crates/serde/1.0.217/download"),
		// Look-alike hosts are other registries: the layout names the
		// crate, the host is the repository_url (never crates.io).
		get("https://crates.io@evil.example/api/v1/crates/serde/1.0.217/download", A, EcosystemCargo,
			"pkg:cargo/serde@1.0.217?repository_url=https:%2F%2Fevil.example"),
		get("https://evilcrates.io/api/v1/crates/serde/1.0.217/download", A, EcosystemCargo,
			"pkg:cargo/serde@1.0.217?repository_url=https:%2F%2Fevilcrates.io"),
		none("https://index.crates.io:8443/se/rd/serde"),
	})
}

func TestNewCargo(t *testing.T) {
	c, err := NewCargo("https://cargo.example.com/registry")
	if err != nil {
		t.Fatal(err)
	}
	const repo = "?repository_url=https:%2F%2Fcargo.example.com%2Fregistry"
	set := NewSet(c)
	for url, want := range map[string]string{
		"https://cargo.example.com/registry/config.json":                     "",
		"https://cargo.example.com/registry/se/rd/serde":                     "pkg:cargo/serde" + repo,
		"https://cargo.example.com/registry/api/v1/crates/x1/1.0.0/download": "pkg:cargo/x1@1.0.0" + repo,
		"https://cargo.example.com/registry/dl/x1/1.0.0/download":            "pkg:cargo/x1@1.0.0" + repo,
		"https://cargo.example.com/registry/files/x1/x1-1.0.0.crate":         "pkg:cargo/x1@1.0.0" + repo,
	} {
		f := set.Classify(Request{URL: url})
		if f.Kind == KindUnclassified || f.PURL != want {
			t.Errorf("%s: %s %s, want %s", url, f.Kind, f.PURL, want)
		}
	}
}
