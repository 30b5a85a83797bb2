// Package license normalises a licence as a registry's metadata publishes
// it ("Apache-2.0", "MIT OR GPL-3.0-only", "The Apache Software License,
// Version 2.0") into what an SBOM records: an SPDX license identifier, an
// SPDX expression, or, when it is neither, the text verbatim as a name.
// Validation and normalisation are github.com/github/go-spdx's.
package license

import (
	"strings"

	"github.com/github/go-spdx/v2/spdxexp"
)

// Sources of a licence, the values of the SBOM's depaudit:license:source.
const (
	// SourceMavenPOM: the <licenses> of the artifact's own POM.
	SourceMavenPOM = "maven pom"
	// SourceMavenParentPOM: the <licenses> of a parent POM the build
	// fetched, which the artifact's POM inherits.
	SourceMavenParentPOM = "maven parent pom"
	// SourceNPMPackageJSON: the license of the package.json in the npm
	// tarball the build fetched (what npm installed).
	SourceNPMPackageJSON = "npm package.json"
	// SourceCargoToml: the package.license of the Cargo.toml in the .crate
	// the build fetched.
	SourceCargoToml = "cargo Cargo.toml"
	// SourcePyPICoreMetadata: the core metadata (PEP 658 .metadata file)
	// of the distribution the build fetched: License-Expression (PEP
	// 639), else a one-line License, else the licence classifiers.
	SourcePyPICoreMetadata = "pypi core metadata"
	// SourcePyPIJSONAPI: the info of the PyPI JSON API document the build
	// fetched for the version, read as core metadata is.
	SourcePyPIJSONAPI = "pypi json api"
	// SourcePyPISdist: the PKG-INFO at the top of the source distribution
	// the build fetched.
	SourcePyPISdist = "pypi sdist PKG-INFO"
	// SourceNotPublished: the ecosystem's metadata that the build fetched
	// publishes no licence (the crates.io index).
	SourceNotPublished = "not published in what the build fetched"
)

// License is one licence, normalised: exactly one field is set.
type License struct {
	// ID is an SPDX license identifier, in its canonical case.
	ID string
	// Expression is a compound SPDX expression (AND, OR, WITH).
	Expression string
	// Name is the published text when it is no valid SPDX identifier or
	// expression.
	Name string
}

// Normalize returns the licence raw publishes.
func Normalize(raw string) License {
	raw = strings.TrimSpace(raw)
	norm, invalid := spdxexp.ValidateAndNormalizeLicensesWithOptions([]string{raw}, spdxexp.ValidateLicensesOptions{})
	if raw == "" || len(invalid) > 0 || len(norm) != 1 {
		return License{Name: raw}
	}
	if ok, id := spdxexp.ActiveLicense(norm[0]); ok {
		return License{ID: id}
	}
	if !strings.ContainsAny(norm[0], " ") {
		// A deprecated identifier or a LicenseRef: still an identifier.
		return License{ID: norm[0]}
	}
	return License{Expression: norm[0]}
}
