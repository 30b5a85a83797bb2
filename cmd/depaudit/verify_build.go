package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/plural"
	"github.com/depaudit/depaudit/verify"
)

// verifyFetchPrivacy is what the flags' help says of the post-build
// fetch's privacy.
const verifyFetchPrivacy = "a package's name goes only to the service the build fetched it from, and modules the go command keeps from the checksum database " +
	"(GOPRIVATE, GONOSUMDB, GONOSUMCHECK, GOSUMDB, GOFLAGS=-insecure, read from the environment) are not looked up"

// verifyFlags are the flags of the commands that verify artifacts: build
// fetches the missing metadata after the build unless told not to; report
// uses what the capture log recorded of it, and fetches only when asked.
func verifyFlags(build bool) []cli.Flag {
	if build {
		return []cli.Flag{
			&cli.BoolFlag{Name: "no-verify-fetch", Usage: "do not fetch, after the build, the registry metadata it did not fetch itself " +
				"(by default depaudit fetches it — abbreviated npm packuments, simple pages, one checksum database lookup per module, .sha1 files, " +
				"index files — concurrently, to verify the artifacts the build left unverifiable, and records those fetches in the capture log); " +
				verifyFetchPrivacy},
			&cli.BoolFlag{Name: "verify-fetch", Hidden: true, Usage: "the default (kept for compatibility)"},
		}
	}
	return []cli.Flag{
		&cli.BoolFlag{Name: "verify-fetch", Usage: "when the capture log records no fetch made after its build (a build run with --no-verify-fetch, " +
			"or an older depaudit), fetch the registry metadata the build did not fetch itself, to verify its artifacts; a log that records them " +
			"is never fetched for again; " + verifyFetchPrivacy},
	}
}

// verifyHooks returns the capture hooks of a build: the inspector reads the
// digests registries publish, and computes the extra digests of artifacts,
// as the bodies stream through the proxy; the other chooses the digests of
// each body: SHA-256, and those its ecosystem publishes or extra adds. In
// enforce mode, the third gives the digests already published for a body,
// which the proxy holds it to (nil otherwise).
func verifyHooks(cl verify.Classifier, extra capture.Hashes, enforce bool) (capture.InspectFunc, capture.HashesFunc, capture.ExpectFunc) {
	if enforce {
		return verify.NewEnforceHooks(cl, verify.Options{}, extra)
	}
	inspect, hashes := verify.NewHooks(cl, verify.Options{}, extra)
	return inspect, hashes, nil
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
		fmt.Fprintf(w, "depaudit: warning: verifying after the build: %s: %s\n", msg, lines[0])
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
	if e := r.FetchEnd; e != nil && e.Requests > 0 {
		line += fmt.Sprintf(" (%s fetched after the build: %s in %s)", plural.Count(len(r.Fetched), "metadata document"),
			plural.Count(e.Requests, "request"), time.Duration(e.DurationMS*float64(time.Millisecond)).Round(time.Millisecond))
	}
	if n.Unverifiable > 0 && r.FetchEnd == nil {
		line += "; the registry metadata missing was not fetched after the build (--no-verify-fetch; `depaudit report --verify-fetch` fetches it)"
	}
	fmt.Fprintln(w, line)
}
