// Package sbom renders the report of a build (package audit) as a
// CycloneDX SBOM; it is the only writer of CycloneDX documents and of
// depaudit's CycloneDX properties.
//
// [Render] makes one component per artifact of the report (purl and
// SHA-256 of the bytes received, with its verification and violations),
// one service per host of the unclassified calls, and the metadata of the
// run and of its policy. It decides nothing itself: classification,
// redirect attribution, verification and policy all happen in
// audit.Analyze. Its output is deterministic: the same report gives the
// same BOM apart from serialNumber and timestamp, which [Options] can fix.
//
// [Encode] writes a BOM as CycloneDX 1.6 (or 1.5) JSON or XML; package
// bomdiff reads BOMs back and compares them. The package does no network
// I/O.
package sbom
