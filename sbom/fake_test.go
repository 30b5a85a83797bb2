package sbom

import (
	"context"
	"os"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/package-url/packageurl-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/observe"
)

// fakeClassifier answers from a table keyed by URL; anything else is
// unclassified. It stands in for the real classifiers, which have their
// own tests.
type fakeClassifier map[string]classify.Finding

func (f fakeClassifier) Classify(r classify.Request) classify.Finding {
	if v, ok := f[r.URL]; ok {
		v.URL = r.URL
		return v
	}
	return classify.Finding{URL: r.URL, Kind: classify.KindUnclassified}
}

func artifactFinding(eco, typ, group, name, version string, q map[string]string) classify.Finding {
	ns := group
	p := packageurl.NewPackageURL(typ, ns, name, version, packageurl.QualifiersFromMap(q), "")
	return classify.Finding{Kind: classify.KindArtifact, Ecosystem: eco, PURL: p.ToString(), Group: group, Name: name, Version: version}
}

func metadataFinding(eco string) classify.Finding {
	return classify.Finding{Kind: classify.KindMetadata, Ecosystem: eco}
}

// The URLs of sbom/testdata/build.capture.jsonl that the tests refer to.
const (
	urlBabelNPM   = "https://registry.npmjs.org/@babel/core/-/core-7.24.0.tgz"
	urlBabelYarn  = "https://registry.yarnpkg.com/@babel/core/-/core-7.24.0.tgz"
	urlLeftPad    = "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"
	urlLeftPadAlt = "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz"
	urlLodash     = "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"
	urlRequests   = "https://files.pythonhosted.org/packages/70/8e/0e2d847013cb52cd35b38c009bb167a1a26b2ce6cd6965bf26b47bc0bf44/requests-2.31.0-py3-none-any.whl"
	urlNumpy      = "https://files.pythonhosted.org/packages/65/6e/09db70a523a96d25e115e71cc56a6f9031e7b8cd166c1ac8438307c14058/numpy-1.26.4.tar.gz"
	urlTomlZip    = "https://proxy.golang.org/github.com/!burnt!sushi/toml/@v/v1.3.2.zip"
	urlLang3Jar   = "https://repo.maven.apache.org/maven2/org/apache/commons/commons-lang3/3.14.0/commons-lang3-3.14.0.jar"
	urlSerdeAPI   = "https://crates.io/api/v1/crates/serde/1.0.197/download"
	urlSerde      = "https://static.crates.io/crates/serde/serde-1.0.197.crate"
	urlInstallSh  = "https://get.example.dev/install.sh"
	urlGHRelease  = "https://github.com/cli/cli/releases/download/v2.45.0/gh_2.45.0_linux_amd64.tar.gz"
	urlGHAsset    = "https://objects.githubusercontent.com/github-production-release-asset-2e65be/212613049/5c0b2f46-5a3e-4fd4-9b7e-3d0c8bbf4c1a?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=REDACTED&X-Amz-Date=REDACTED&X-Amz-Expires=300&X-Amz-Signature=REDACTED&X-Amz-SignedHeaders=host&actor_id=0&key_id=0&repo_id=212613049&response-content-disposition=attachment%3B%20filename%3Dgh_2.45.0_linux_amd64.tar.gz&response-content-type=application%2Foctet-stream"
	urlProtoc     = "https://downloads.example.org/tools/protoc-gen-lint-1.4.2-linux-amd64.tar.gz"
)

// buildFindings is what a classifier makes of the requests in
// sbom/testdata/build.capture.jsonl. The telemetry calls are unknown.
func buildFindings() fakeClassifier {
	return fakeClassifier{
		"https://registry.npmjs.org/@babel%2fcore": metadataFinding("npm"),
		urlBabelNPM:                           artifactFinding("npm", "npm", "@babel", "core", "7.24.0", nil),
		urlBabelYarn:                          artifactFinding("npm", "npm", "@babel", "core", "7.24.0", nil),
		"https://registry.npmjs.org/left-pad": metadataFinding("npm"),
		urlLeftPad:                            artifactFinding("npm", "npm", "", "left-pad", "1.3.0", nil),
		urlLeftPadAlt:                         artifactFinding("npm", "npm", "", "left-pad", "1.3.0", nil),
		urlLodash:                             artifactFinding("npm", "npm", "", "lodash", "4.17.21", nil),
		"https://pypi.org/simple/requests/":   metadataFinding("pypi"),
		urlRequests:                           artifactFinding("pypi", "pypi", "", "requests", "2.31.0", map[string]string{"file_name": "requests-2.31.0-py3-none-any.whl"}),
		"https://pypi.org/simple/numpy/":      metadataFinding("pypi"),
		urlNumpy:                              artifactFinding("pypi", "pypi", "", "numpy", "1.26.4", map[string]string{"file_name": "numpy-1.26.4.tar.gz"}),
		"https://proxy.golang.org/github.com/!burnt!sushi/toml/@v/list":       metadataFinding("golang"),
		"https://proxy.golang.org/github.com/!burnt!sushi/toml/@v/v1.3.2.mod": metadataFinding("golang"),
		urlTomlZip: artifactFinding("golang", "golang", "github.com/BurntSushi", "toml", "v1.3.2", nil),
		"https://proxy.golang.org/sumdb/sum.golang.org/lookup/github.com/!burnt!sushi/toml@v1.3.2":              metadataFinding("golang"),
		"https://repo.maven.apache.org/maven2/org/apache/commons/commons-lang3/3.14.0/commons-lang3-3.14.0.pom": metadataFinding("maven"),
		urlLang3Jar: artifactFinding("maven", "maven", "org.apache.commons", "commons-lang3", "3.14.0", nil),
		"https://repo.maven.apache.org/maven2/org/apache/commons/commons-lang3/3.14.0/commons-lang3-3.14.0.jar.sha1": {Kind: classify.KindSidecar, Ecosystem: "maven"},
		"https://index.crates.io/config.json": metadataFinding("cargo"),
		"https://index.crates.io/se/rd/serde": metadataFinding("cargo"),
		urlSerdeAPI:                           artifactFinding("cargo", "cargo", "", "serde", "1.0.197", nil),
		urlSerde:                              artifactFinding("cargo", "cargo", "", "serde", "1.0.197", nil),
		urlInstallSh:                          artifactFinding("generic", "generic", "", "install.sh", "", map[string]string{"download_url": urlInstallSh}),
		urlGHRelease:                          artifactFinding("github", "github", "cli", "cli", "v2.45.0", map[string]string{"download_url": urlGHRelease, "file_name": "gh_2.45.0_linux_amd64.tar.gz"}),
		urlGHAsset:                            artifactFinding("generic", "generic", "", "5c0b2f46-5a3e-4fd4-9b7e-3d0c8bbf4c1a", "", map[string]string{"download_url": urlGHAsset}),
		urlProtoc:                             artifactFinding("generic", "generic", "", "protoc-gen-lint", "1.4.2", map[string]string{"download_url": urlProtoc}),
	}
}

// readLog reads a capture log from sbom/testdata.
func readLog(t *testing.T, name string) *capture.Log {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	l, err := capture.ReadLog(f)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return l
}

// Result is what a build's report and SBOM give the tests.
type Result struct {
	BOM          *cdx.BOM
	Unclassified []audit.UnclassifiedCall
	Warnings     []string
	Summary      audit.Summary
	Report       *audit.Report
}

// assemble analyses l with c, without verification, and renders the SBOM.
func assemble(l *capture.Log, c observe.Classifier, opts Options) (*Result, error) {
	r, err := audit.Analyze(context.Background(), l, audit.Config{Classifier: c, NoVerify: true})
	if err != nil {
		return nil, err
	}
	bom, err := Render(r, opts)
	if err != nil {
		return nil, err
	}
	return &Result{BOM: bom, Unclassified: r.Unclassified, Warnings: r.Warnings, Summary: r.Summary, Report: r}, nil
}
