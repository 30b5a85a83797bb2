package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/sbom"
	"github.com/depaudit/depaudit/verify"
)

// verifyFetchTimeout bounds the whole of the fetch after the build.
const verifyFetchTimeout = 2 * time.Minute

// logSource is a capture log to analyse: read whole (from standard
// input), or exchange by exchange from its file (see audit.AnalyzeFile).
type logSource struct {
	whole *capture.Log
	file  *capture.LogFile
}

// log is the log's header, trailer and other records.
func (s logSource) log() *capture.Log {
	if s.file != nil {
		return s.file.Log
	}
	return s.whole
}

// analyzeLog is the analysis stage of build and report: it judges the
// capture log l under the rules of br, verifies its artifacts (fetching
// missing metadata after the build, or reading what the log recorded of
// that) and diffs it against baseline (nil: no diff). Every output is then written from the report.
func analyzeLog(c *cli.Context, env *appEnv, command string, l logSource, br *buildRules, baseline *cdx.BOM) (*audit.Report, error) {
	cfg := audit.Config{
		Classifier:  br.classifier(),
		Rules:       br.rules,
		Baseline:    baseline,
		VerifyFetch: verifyFetchClient(c, env, command),
		// The go command's privacy settings, as the build's go saw them.
		VerifyFetchEnv: verify.GoEnv(env.getenv),
	}
	ctx := c.Context
	if cfg.VerifyFetch != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, verifyFetchTimeout)
		defer cancel()
	}
	var r *audit.Report
	var err error
	if l.file != nil {
		r, err = audit.AnalyzeFile(ctx, l.file, cfg)
	} else {
		r, err = audit.Analyze(ctx, l.whole, cfg)
	}
	if err != nil {
		return nil, exitCode{code: exitError, msg: fmt.Sprintf("%s: %v", command, err)}
	}
	return r, nil
}

// verifyFetchClient is the client of the fetch after the build, nil when
// there is none (build --no-verify-fetch; report without --verify-fetch): a
// plain HTTP client that verifies TLS. In tests, env.hooks route it to the
// fake registries like the proxy.
func verifyFetchClient(c *cli.Context, env *appEnv, command string) *http.Client {
	// A build fetches unless told not to; report only when asked.
	fetch := c.Bool("verify-fetch")
	if command == "build" {
		fetch = !c.Bool("no-verify-fetch")
	}
	if !fetch {
		return nil
	}
	client := &http.Client{Timeout: 30 * time.Second}
	if h := env.hooks; h != nil {
		client.Transport = &http.Transport{
			DialContext:     h.upstreamDial,
			TLSClientConfig: &tls.Config{RootCAs: h.upstreamRoots, MinVersion: tls.VersionTLS12},
		}
	}
	return client
}

// writeOutputs writes every output of the report: it renders the SBOM
// once, writes each file output with the writers opts chose (each file
// atomically), then prints the end-of-build summary (warnings, figures,
// what was written) and the verification on stderr, and writes what a CI
// run shows. A file that cannot be written is an error with exit code 2
// naming the path; the summary is printed anyway.
func writeOutputs(env *appEnv, command string, r *audit.Report, opts *outputOptions) error {
	opts.fixIdentity()
	bom, err := sbom.Render(r, opts.render)
	if err != nil {
		return exitCode{code: exitError, msg: fmt.Sprintf("%s: %v", command, err)}
	}
	out := &buildOutput{report: r, bom: bom, capturePath: opts.capturePath, baselinePath: opts.baselinePath}
	wrote, errs := runWriters(env, opts.fileWriters(), out)
	printSummary(env.stderr, r, wrote)
	printVerification(env.stderr, r)
	writeCI(env, *opts, out)
	if len(errs) > 0 {
		msgs := make([]string, len(errs))
		for i, e := range errs {
			msgs[i] = e.Error()
		}
		return exitCode{code: exitError, msg: command + ": " + strings.Join(msgs, "; ")}
	}
	return nil
}
