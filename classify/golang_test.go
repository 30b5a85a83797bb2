package classify

import "testing"

func TestGo(t *testing.T) {
	const (
		A, M, API = KindArtifact, KindMetadata, KindAPI
		gol       = EcosystemGo
		proxy     = "https://proxy.golang.org/"
	)
	runRows(t, []row{
		// Module zips.
		get(proxy+"golang.org/x/text/@v/v0.34.0.zip", A, gol, "pkg:golang/golang.org/x/text@v0.34.0"),
		get(proxy+"gopkg.in/yaml.v3/@v/v3.0.1.zip", A, gol, "pkg:golang/gopkg.in/yaml.v3@v3.0.1"),
		// Case-encoding, percent-encoded on the wire or not: the module's case is kept.
		get(proxy+"github.com/%21burnt%21sushi/toml/@v/v1.6.0.zip", A, gol, "pkg:golang/github.com/BurntSushi/toml@v1.6.0"),
		get(proxy+"github.com/!burnt!sushi/toml/@v/v1.6.0.zip", A, gol, "pkg:golang/github.com/BurntSushi/toml@v1.6.0"),
		get(proxy+"github.com/!azure/azure-sdk-for-go/sdk/azcore/@v/v1.9.1.zip", A, gol,
			"pkg:golang/github.com/Azure/azure-sdk-for-go/sdk/azcore@v1.9.1"),
		get(proxy+"github.com/%21data%21dog/datadog-go/v5/@v/v5.4.0.zip", A, gol, "pkg:golang/github.com/DataDog/datadog-go/v5@v5.4.0"),
		// +incompatible and /vN.
		get(proxy+"github.com/docker/docker/@v/v24.0.7+incompatible.zip", A, gol,
			"pkg:golang/github.com/docker/docker@v24.0.7%2Bincompatible"),
		get(proxy+"github.com/docker/docker/@v/v24.0.7%2Bincompatible.zip", A, gol,
			"pkg:golang/github.com/docker/docker@v24.0.7%2Bincompatible"),
		get(proxy+"github.com/foo/bar/v2/@v/v2.1.0.zip", A, gol, "pkg:golang/github.com/foo/bar/v2@v2.1.0"),
		get(proxy+"github.com/jackc/pgx/v5/@v/v5.5.1.zip", A, gol, "pkg:golang/github.com/jackc/pgx/v5@v5.5.1"),
		// Pseudo-versions and pre-releases.
		get(proxy+"golang.org/x/exp/@v/v0.0.0-20240119083558-1b970713d09a.zip", A, gol,
			"pkg:golang/golang.org/x/exp@v0.0.0-20240119083558-1b970713d09a"),
		get(proxy+"github.com/foo/bar/@v/v1.2.3-rc.1.zip", A, gol, "pkg:golang/github.com/foo/bar@v1.2.3-rc.1"),
		// Public mirrors.
		get("https://goproxy.cn/github.com/gin-gonic/gin/@v/v1.9.1.zip", A, gol, "pkg:golang/github.com/gin-gonic/gin@v1.9.1"),
		get("https://goproxy.io/github.com/gin-gonic/gin/@v/v1.9.1.zip", A, gol, "pkg:golang/github.com/gin-gonic/gin@v1.9.1"),
		// Artifactory Go proxies on any host.
		get("https://acme.jfrog.io/api/go/go-remote/github.com/pkg/errors/@v/v0.9.1.zip", A, gol,
			"pkg:golang/github.com/pkg/errors@v0.9.1?repository_url=https:%2F%2Facme.jfrog.io%2Fapi%2Fgo%2Fgo-remote"),
		get("https://acme.jfrog.io/api/go/go-remote/github.com/pkg/errors/@v/list", M, gol,
			"pkg:golang/github.com/pkg/errors?repository_url=https:%2F%2Facme.jfrog.io%2Fapi%2Fgo%2Fgo-remote"),
		// Metadata.
		get(proxy+"golang.org/x/text/@v/list", M, gol, "pkg:golang/golang.org/x/text"),
		get(proxy+"golang.org/x/text/@latest", M, gol, "pkg:golang/golang.org/x/text"),
		get(proxy+"golang.org/x/text/@v/v0.34.0.info", M, gol, "pkg:golang/golang.org/x/text@v0.34.0"),
		get(proxy+"golang.org/x/text/@v/v0.34.0.mod", M, gol, "pkg:golang/golang.org/x/text@v0.34.0"),
		get(proxy+"github.com/%21burnt%21sushi/toml/@v/v1.6.0.mod", M, gol, "pkg:golang/github.com/BurntSushi/toml@v1.6.0"),
		// The checksum database, directly and through the proxy.
		get("https://sum.golang.org/lookup/golang.org/x/text@v0.34.0", M, gol, "pkg:golang/golang.org/x/text@v0.34.0"),
		get("https://sum.golang.org/lookup/github.com/!burnt!sushi/toml@v1.6.0", M, gol, "pkg:golang/github.com/BurntSushi/toml@v1.6.0"),
		get("https://sum.golang.org/latest", M, gol, ""),
		get("https://sum.golang.org/tile/8/0/x118/123.p/45", M, gol, ""),
		get("https://sum.golang.org/tile/8/data/x118/123", M, gol, ""),
		get(proxy+"sumdb/sum.golang.org/supported", M, gol, ""),
		get(proxy+"sumdb/sum.golang.org/lookup/gopkg.in/yaml.v3@v3.0.1", M, gol, "pkg:golang/gopkg.in/yaml.v3@v3.0.1"),
		get(proxy+"sumdb/sum.golang.org/tile/8/1/001", M, gol, ""),
		// go-get discovery, on any host (the git fetches that follow: TestGit).
		get("https://golang.org/x/text?go-get=1", M, gol, ""),
		get("https://go.example.com/internal/tool?go-get=1", M, gol, ""),
		// Not Go.
		none("https://git.example.com/team/repo/info/refs"),
		none("https://git.example.com/team/repo/git-upload-pack"),
		none("https://example.com/golang.org/x/text/@v/list"),
		none("https://proxy.golang.org.evil.example/golang.org/x/text/@v/list"),
		none("https://proxy.golang.org@evil.example/golang.org/x/text/@v/list"),
		none("https://evilproxy.golang.org/golang.org/x/text/@v/list"),
		none("https://sum.golang.org.evil.example/latest"),
		// A module zip on any other host is a Go module from that proxy.
		get("https://example.com/golang.org/x/text/@v/v0.34.0.zip", A, EcosystemGo,
			"pkg:golang/golang.org/x/text@v0.34.0?repository_url=https:%2F%2Fexample.com"),
		get("https://art.example.com/api/go/go-remote/golang.org/x/text/@v/v0.34.0.zip", A, EcosystemGo,
			"pkg:golang/golang.org/x/text@v0.34.0?repository_url=https:%2F%2Fart.example.com%2Fapi%2Fgo%2Fgo-remote"),
		get("https://example.com/mods/golang.org/x/text/@v/v0.34.0.zip", A, EcosystemGo,
			"pkg:golang/golang.org/x/text@v0.34.0?repository_url=https:%2F%2Fexample.com%2Fmods"),
		get("https://example.com/x/@v/v0.34.0.zip", A, EcosystemGeneric,
			"pkg:generic/v0.34.0.zip?download_url=https:%2F%2Fexample.com%2Fx%2F%40v%2Fv0.34.0.zip"),
		// Unparsable proxy paths.
		get(proxy+"golang.org/x/text/@v/v0.34.0.txt", API, gol, ""),
		get(proxy+"Golang.org/x/text/@v/list", API, gol, ""),
		get(proxy+"github.com/foo/bar/v2/@v/v1.0.0.info", API, gol, ""),
		get(proxy, API, gol, ""),
	})
}

func TestNewGo(t *testing.T) {
	c, err := NewGo("http://athens.internal:3000")
	if err != nil {
		t.Fatal(err)
	}
	f := NewSet(c).Classify(Request{URL: "http://athens.internal:3000/github.com/!burnt!sushi/toml/@v/v1.6.0.zip"})
	want := "pkg:golang/github.com/BurntSushi/toml@v1.6.0?repository_url=http:%2F%2Fathens.internal:3000"
	if f.Kind != KindArtifact || f.PURL != want {
		t.Errorf("got %s %s, want artifact %s", f.Kind, f.PURL, want)
	}
	if f := NewSet(c).Classify(Request{URL: "http://athens.internal/github.com/pkg/errors/@v/v0.9.1.zip"}); f.Kind != KindUnclassified {
		t.Errorf("other port: %+v", f)
	}
	if f := NewSet(c).Classify(Request{URL: "https://go.example.com/x?go-get=1"}); f.Kind != KindUnclassified {
		t.Errorf("a proxy classifier claims go-get discovery: %+v", f)
	}
}
