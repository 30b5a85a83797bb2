package fakeregistry_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// A test starts a registry, routes its proxy's upstream connections through
// DialContext with RootCAs as the trusted roots, and compares what was
// captured with the manifest.
func Example() {
	reg, err := fakeregistry.Start(fakeregistry.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer reg.Close()

	const u = "https://registry.npmjs.org/@fixture/scoped/-/scoped-3.1.0.tgz"
	resp, err := reg.Client().Get(u) // dials 127.0.0.1, verifies the test CA
	if err != nil {
		fmt.Println(err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	f, _ := reg.Manifest().Lookup(u)
	sum := sha256.Sum256(body)
	fmt.Println(resp.StatusCode, f.PURL, hex.EncodeToString(sum[:]) == f.SHA256)
	fmt.Println(len(reg.Served()), "response served")
	// Output:
	// 200 pkg:npm/%40fixture/scoped@3.1.0 true
	// 1 response served
}
