package sbom

import (
	"bytes"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// A Go toolchain downloaded from the module proxy (GOTOOLCHAIN=auto) is
// its module, and provides the standard library vulnerability scanners
// know as pkg:golang/stdlib.
func TestGoToolchainProvidesStdlib(t *testing.T) {
	urls := []string{
		"https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go1.25.0.linux-amd64.zip",
		"https://proxy.golang.org/golang.org/toolchain/@v/v0.0.1-go1.25.0.darwin-arm64.zip",
		"https://proxy.golang.org/golang.org/x/text/@v/v0.34.0.zip",
	}
	var xs []capture.Exchange
	for i, u := range urls {
		xs = append(xs, capture.Exchange{ID: int64(i + 1), Method: "GET", URL: u, Host: "proxy.golang.org", Status: 200,
			Complete: true, Bytes: 10, SHA256: strings.Repeat(string(rune('a'+i)), 64)})
	}
	res, err := assemble(&capture.Log{Exchanges: xs, Trailer: &capture.Trailer{}}, classify.Default(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range *res.BOM.Components {
		line := c.PackageURL
		if c.Name == "stdlib" {
			line += " " + c.Version + " " + strings.Join(propValues(c.Properties, PropProvidedBy), ",")
			if c.Hashes != nil {
				t.Errorf("stdlib has hashes: %+v", *c.Hashes)
			}
		}
		got = append(got, line)
	}
	want := []string{
		"pkg:golang/golang.org/toolchain@v0.0.1-go1.25.0.darwin-arm64",
		"pkg:golang/golang.org/toolchain@v0.0.1-go1.25.0.linux-amd64",
		"pkg:golang/golang.org/x/text@v0.34.0",
		"pkg:golang/stdlib@1.25.0 1.25.0 pkg:golang/golang.org/toolchain@v0.0.1-go1.25.0.darwin-arm64",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("components\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var doc bytes.Buffer
	if err := Encode(&doc, res.BOM, FormatJSON, cdx.SpecVersion1_6); err != nil {
		t.Fatal(err)
	}
	validateJSON(t, doc.Bytes(), cdx.SpecVersion1_6)
}

func TestGoStdlib(t *testing.T) {
	for purl, want := range map[string]string{
		"pkg:golang/golang.org/toolchain@v0.0.1-go1.25.0.linux-amd64":    "pkg:golang/stdlib@1.25.0",
		"pkg:golang/golang.org/toolchain@v0.0.1-go1.21rc2.windows-arm64": "pkg:golang/stdlib@1.21rc2",
		"pkg:golang/golang.org/toolchain@v0.0.1":                         "",
		"pkg:golang/golang.org/x/text@v0.34.0":                           "",
		"pkg:golang/golang.org/toolchain@v0.0.1-go1.25.0":                "",
	} {
		got, ok := classify.GoStdlib(purl)
		if got != want || ok != (want != "") {
			t.Errorf("GoStdlib(%s) = %q %v, want %q", purl, got, ok, want)
		}
	}
}
