package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/sbom"
	"github.com/depaudit/depaudit/verify"
)

// verifyFetchTimeout bounds the whole of --verify-fetch.
const verifyFetchTimeout = 2 * time.Minute

// verifyFlags are the flags of the commands that verify artifacts (build
// and report).
func verifyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "verify-fetch", Usage: "after the build, fetch the registry metadata that was not seen during it " +
			"(packuments, simple pages, checksum database lookups, .sha1 files, index files) to verify the artifacts it left unverifiable"},
	}
}

// verifyInspect returns the capture hook of a build: it reads the digests
// registries publish, and computes the extra digests of artifacts, as the
// bodies stream through the proxy.
func verifyInspect(cl verify.Classifier) capture.InspectFunc {
	return verify.NewInspectFunc(cl, verify.Options{})
}

// verification checks the components of one SBOM against the digests in
// a capture log and remembers the verdicts it gave.
type verification struct {
	ev       *verify.Evidence
	fetched  []string
	fetchErr error

	mu       sync.Mutex
	verdicts []verify.Verdict
}

// newVerification reads the digests recorded in l and, with
// --verify-fetch, fetches the metadata of the artifacts left unverifiable
// through a plain HTTP client that verifies TLS.
// In tests, env.hooks route it to the fake registries like the proxy.
func newVerification(c *cli.Context, env *appEnv, l *capture.Log, cl verify.Classifier) *verification {
	var client *http.Client
	if c.Bool("verify-fetch") {
		client = &http.Client{Timeout: 30 * time.Second}
		if h := env.hooks; h != nil {
			client.Transport = &http.Transport{
				DialContext:     h.upstreamDial,
				TLSClientConfig: &tls.Config{RootCAs: h.upstreamRoots, MinVersion: tls.VersionTLS12},
			}
		}
	}
	return newVerificationWith(c.Context, l, cl, client)
}

// newVerificationWith is newVerification with the fetching client given;
// nil fetches nothing.
func newVerificationWith(ctx context.Context, l *capture.Log, cl verify.Classifier, client *http.Client) *verification {
	v := &verification{ev: verify.Collect(l, cl)}
	if client != nil {
		ctx, cancel := context.WithTimeout(ctx, verifyFetchTimeout)
		defer cancel()
		v.fetched, v.fetchErr = v.ev.Fetch(ctx, client)
	}
	return v
}

// sbomHook is what sbom.Options.Verify must be set to: it verifies each
// component and records the verdict.
func (v *verification) sbomHook() sbom.VerifyFunc {
	return func(purl, sha256 string) sbom.Verification {
		vd := v.ev.Check(purl, sha256)
		v.mu.Lock()
		v.verdicts = append(v.verdicts, vd)
		v.mu.Unlock()
		return sbomVerification(vd)
	}
}

// sbomVerification renders a verdict as SBOM properties.
func sbomVerification(vd verify.Verdict) sbom.Verification {
	out := sbom.Verification{Status: string(vd.Status), Sources: vd.Sources, Reason: vd.Reason, GoH1: vd.GoH1}
	for _, m := range vd.Mismatches {
		what := ""
		if m.What != "" {
			what = m.What + " "
		}
		out.Expected = append(out.Expected, fmt.Sprintf("%s%s (%s)", what, digestText(m.Algorithm, m.Expected), m.Source))
		out.Received = append(out.Received, what+digestText(m.Algorithm, m.Received))
	}
	return out
}

// digestText writes a digest as "ALGORITHM:VALUE", once: a Go h1 value
// already carries its "h1:".
func digestText(alg, value string) string {
	if strings.HasPrefix(value, alg+":") {
		return value
	}
	return alg + ":" + value
}

// mismatches returns the components whose bytes differ from what their
// registry published, for policy to fail the build on.
func (v *verification) mismatches() []verify.Verdict {
	v.mu.Lock()
	defer v.mu.Unlock()
	return verify.Mismatches(v.verdicts)
}

// printSummary prints every mismatch loudly, then the verification counts.
func (v *verification) printSummary(w io.Writer) {
	v.mu.Lock()
	verdicts := append([]verify.Verdict(nil), v.verdicts...)
	v.mu.Unlock()
	for _, m := range verify.Mismatches(verdicts) {
		fmt.Fprintf(w, "depaudit: DIGEST MISMATCH: %s\n", m)
	}
	if v.fetchErr != nil {
		for _, line := range strings.Split(v.fetchErr.Error(), "\n") {
			fmt.Fprintf(w, "depaudit: warning: --verify-fetch: %s\n", line)
		}
	}
	meta := v.ev.Metadata()
	for _, m := range verify.Mismatches(meta) {
		fmt.Fprintf(w, "depaudit: METADATA DIGEST MISMATCH: %s\n", m)
	}
	if len(meta) > 0 {
		n := verify.Count(meta)
		fmt.Fprintf(w, "depaudit: metadata verification: %d verified, %d mismatch\n", n.Verified, n.Mismatch)
	}
	n := verify.Count(verdicts)
	line := fmt.Sprintf("depaudit: verification: %d verified, %d mismatch, %d unverifiable", n.Verified, n.Mismatch, n.Unverifiable)
	if len(v.fetched) > 0 {
		line += fmt.Sprintf(" (%s fetched after the build)", countNoun(len(v.fetched), "metadata document"))
	}
	fmt.Fprintln(w, line)
}
