package verify_test

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/observe"
	"github.com/depaudit/depaudit/verify"
)

// A packument streams through the proxy's inspector, then the tarball it
// describes arrives with other bytes than it published: the verdict is a
// mismatch.
func Example() {
	published := []byte("the tarball the registry published")
	received := []byte("the tarball the build received")
	sum := sha512.Sum512(published)
	packument := `{"name":"left-pad","versions":{"1.3.0":{"dist":{"integrity":"sha512-` +
		base64.StdEncoding.EncodeToString(sum[:]) + `","tarball":"https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz"}}}}`

	inspectFn := verify.NewInspectFunc(classify.Default(), verify.Options{})
	meta := capture.Exchange{ID: 1, Method: "GET", URL: "https://registry.npmjs.org/left-pad", Status: 200,
		ContentType: "application/json", Complete: true}
	in := inspectFn(&meta)
	in.Write([]byte(packument))
	meta.Digests = in.Finish(true)

	r256, r512 := sha256.Sum256(received), sha512.Sum512(received)
	tgz := capture.Exchange{ID: 2, Method: "GET", URL: "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", Status: 200,
		Complete: true, SHA256: hex.EncodeToString(r256[:]), SHA512: hex.EncodeToString(r512[:])}

	obs, _ := observe.Attribute([]capture.Exchange{meta, tgz}, classify.Default())
	ev := verify.Collect(obs, classify.Default())
	v := ev.Check("pkg:npm/left-pad@1.3.0", tgz.SHA256)
	fmt.Println(v.Status, v.Mismatches[0].Algorithm, v.Mismatches[0].Source)
	// Output: mismatch sha512 npm packument integrity
}
