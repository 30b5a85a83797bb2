package sbom

import (
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// A parent POM (the only file of its version) is a component; a POM
// fetched next to its jar is not.
func TestSolePOMBecomesComponent(t *testing.T) {
	const base = "https://repo.maven.apache.org/maven2/org/example/"
	urls := []string{
		base + "parent/1.0/parent-1.0.pom",
		base + "lib/2.0/lib-2.0.pom",
		base + "lib/2.0/lib-2.0.jar",
	}
	var xs []capture.Exchange
	for i, u := range urls {
		xs = append(xs, capture.Exchange{ID: int64(i + 1), Method: "GET", URL: u, Host: "repo.maven.apache.org", Status: 200,
			Complete: true, Bytes: 10, SHA256: strings.Repeat(string(rune('a'+i)), 64)})
	}
	res, err := assemble(&capture.Log{Exchanges: xs, Trailer: &capture.Trailer{}}, classify.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var purls []string
	for _, c := range *res.BOM.Components {
		purls = append(purls, c.PackageURL)
	}
	want := []string{"pkg:maven/org.example/lib@2.0", "pkg:maven/org.example/parent@1.0?type=pom"}
	if strings.Join(purls, " ") != strings.Join(want, " ") {
		t.Errorf("components %q, want %q", purls, want)
	}
}
