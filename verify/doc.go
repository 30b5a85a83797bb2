// Package verify checks every artifact a build received against the digest
// its registry published.
//
// While a build runs, [NewInspectFunc] gives the capture proxy a streaming
// inspector per response body: registry metadata (npm packuments, PyPI
// simple pages in HTML and PEP 691 JSON, Go checksum database lookups, Maven
// checksum sidecars, the crates.io sparse index) is parsed as it streams,
// never buffered whole, for the digests it publishes; artifact bodies get
// the digests the capture log does not already hold (the Go module zip's
// dirhash h1, the BLAKE2b-256 that files.pythonhosted.org paths encode,
// MD5 for Maven). The digests go into the capture log with their exchange.
//
// After the run, [Collect] reads them back from the log and [Evidence.Check]
// gives each component (a purl and the SHA-256 of the bytes received) a
// [Verdict]: verified (with what vouched for it), mismatch (expected versus
// received) or unverifiable (no published digest was seen).
// [Evidence.Fetch] can fetch the missing metadata after the build.
package verify
