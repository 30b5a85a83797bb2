package bomdiff_test

import (
	"os"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/bomdiff"
)

func ExampleDiffBOMs() {
	component := func(purl, sha256 string) cdx.Component {
		return cdx.Component{
			Type: cdx.ComponentTypeLibrary, Name: "left-pad", PackageURL: purl,
			Hashes: &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: sha256}},
		}
	}
	old := cdx.NewBOM()
	old.Components = &[]cdx.Component{
		component("pkg:npm/left-pad@1.3.0", "13df810e9c4fb124f1c08d0c198cdb8286f12b958b4c37f5dce207534d85217e"),
	}
	new := cdx.NewBOM()
	new.Components = &[]cdx.Component{
		component("pkg:npm/left-pad@1.3.0", "3f448d4b0b592753feed6d46c8b1e7ad030e5e7286eaa44c416fd886e499fb1d"),
	}
	d := bomdiff.DiffBOMs(old, new)
	_ = d.WriteText(os.Stdout, false)
	// Output:
	// HASH CHANGED (same version, different bytes): 1
	//   !! pkg:npm/left-pad@1.3.0
	//        SHA-256  13df810e9c4fb124… -> 3f448d4b0b592753…
	//
	// summary: 1 hash_changed; 0 unchanged
}
