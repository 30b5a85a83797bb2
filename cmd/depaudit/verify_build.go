package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/plural"
	"github.com/depaudit/depaudit/verify"
)

// verifyFlags are the flags of the commands that verify artifacts (build
// and report).
func verifyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "verify-fetch", Usage: "after the build, fetch the registry metadata that was not seen during it " +
			"(packuments, simple pages, checksum database lookups, .sha1 files, index files) to verify the artifacts it left unverifiable; " +
			"a package's name goes only to the service the build fetched it from, and modules the go command keeps from the checksum database " +
			"(GOPRIVATE, GONOSUMDB, GONOSUMCHECK, GOSUMDB, GOFLAGS=-insecure, read from the environment) are not looked up"},
	}
}

// verifyHooks returns the capture hooks of a build: the inspector reads the
// digests registries publish, and computes the extra digests of artifacts,
// as the bodies stream through the proxy; the other chooses the digests of
// each body: SHA-256, and those its ecosystem publishes or extra adds.
func verifyHooks(cl verify.Classifier, extra capture.Hashes) (capture.InspectFunc, capture.HashesFunc) {
	return verify.NewHooks(cl, verify.Options{}, extra)
}

// ruleHashes turns the rules file's "hashes" into the digests every body
// gets beside SHA-256.
func ruleHashes(names []string) capture.Hashes {
	var hs capture.Hashes
	for _, n := range names {
		switch n {
		case "sha512":
			hs |= capture.HashSHA512
		case "sha1":
			hs |= capture.HashSHA1
		}
	}
	return hs
}

// printVerification prints every mismatch of the report loudly, then the
// verification counts.
func printVerification(w io.Writer, r *audit.Report) {
	verdicts := r.Verdicts()
	for _, m := range verify.Mismatches(verdicts) {
		fmt.Fprintf(w, "depaudit: DIGEST MISMATCH: %s\n", m)
	}
	if r.FetchErr != nil {
		// One line for every failure: the verdicts name each package's.
		lines := strings.Split(r.FetchErr.Error(), "\n")
		msg := fmt.Sprintf("%d %s failed", len(lines), plural.Noun(len(lines), "metadata fetch", "metadata fetches"))
		if len(lines) > 1 {
			msg += ", the first"
		}
		fmt.Fprintf(w, "depaudit: warning: --verify-fetch: %s: %s\n", msg, lines[0])
	}
	meta := r.MetadataVerdicts
	for _, m := range verify.Mismatches(meta) {
		fmt.Fprintf(w, "depaudit: METADATA DIGEST MISMATCH: %s\n", m)
	}
	if len(meta) > 0 {
		n := verify.Count(meta)
		fmt.Fprintf(w, "depaudit: metadata verification: %d verified, %d mismatch\n", n.Verified, n.Mismatch)
	}
	n := verify.Count(verdicts)
	line := fmt.Sprintf("depaudit: verification: %d verified, %d mismatch, %d unverifiable", n.Verified, n.Mismatch, n.Unverifiable)
	if len(r.Fetched) > 0 {
		line += fmt.Sprintf(" (%s fetched after the build)", plural.Count(len(r.Fetched), "metadata document"))
	}
	fmt.Fprintln(w, line)
}
