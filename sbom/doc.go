// Package sbom turns a capture log into a CycloneDX SBOM and reads SBOMs
// back.
//
// [Assemble] classifies every recorded exchange (following redirects so that
// a CDN download is attributed to the package that redirected to it), makes
// one component per distinct artifact (purl and SHA-256 of the bytes
// received), one service per host of the calls no classifier recognised, and
// the metadata of the run. Its output is deterministic: the same capture log
// gives the same BOM apart from serialNumber and timestamp, which
// [Options] can fix.
//
// [Encode] writes a BOM as CycloneDX 1.6 (or 1.5) JSON or XML, [Decode]
// reads one back, and [WriteUnclassified] writes the list of unclassified
// calls. The package does no network I/O.
package sbom
