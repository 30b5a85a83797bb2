// Package bomdiff reads CycloneDX BOMs and compares them.
//
// [Parse], [ParseBOM], [Decode] and [ReadBOMFile] are depaudit's one BOM
// reader: JSON or XML told apart by the first significant byte, with one
// clear line per problem. [DiffBOMs] compares two BOMs (depaudit's own or
// another generator's): components by package URL without version, each
// version separately, services by name. [Compare] does the same over
// [Side]s, so that a build can be compared with a baseline without writing
// its SBOM first. A [Diff] is written as text, JSON or Markdown.
package bomdiff
