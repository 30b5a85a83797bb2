package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/ghactions"
	"github.com/depaudit/depaudit/htmlreport"
	"github.com/depaudit/depaudit/provenance"
	"github.com/depaudit/depaudit/view"
)

// buildOutput is what every output of a build is written from: its
// report, and the SBOM rendered from it once (for the outputs that are
// conversions of the SBOM).
type buildOutput struct {
	report *audit.Report
	bom    *cdx.BOM
	// capturePath is the capture log's file, "-" when it was read from
	// standard input.
	capturePath string
	// baselinePath names the baseline, "" without one.
	baselinePath string
}

// outputWriter writes one output file of a build from its buildOutput. A
// build's outputs are the writers its flags chose (outputOptions.
// fileWriters): a new output format is a new writer, not a new branch of
// the build.
type outputWriter struct {
	// flag names the option that asked for it; noun names the output in
	// errors ("SBOM"), what in the summary ("SBOM (CycloneDX 1.6 JSON)").
	flag, noun, what string
	path             string
	write            func(w io.Writer, b *buildOutput) error
}

// writerFlags are the flags of the outputs beside the SBOM (build and
// report).
func writerFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "provenance", Usage: "also write the build's SLSA provenance (an unsigned in-toto statement) to `FILE`"},
		&cli.StringFlag{Name: "html", Usage: "also write a report of the build for people to `FILE`: one self-contained HTML page (figures, waterfall, tables)"},
		&cli.StringSliceFlag{Name: "provenance-subject", Usage: "name `FILE` (a build output) as a subject of the provenance; default: the capture log"},
	}
}

// parseWriterFlags returns the writers the flags of c ask for.
func parseWriterFlags(c *cli.Context, command string) ([]outputWriter, error) {
	var ws []outputWriter
	if p := c.String("html"); p != "" {
		ws = append(ws, outputWriter{flag: "--html", noun: "HTML report", what: "HTML report", path: p, write: writeHTML})
	}
	subjects := c.StringSlice("provenance-subject")
	if p := c.String("provenance"); p != "" {
		ws = append(ws, outputWriter{flag: "--provenance", noun: "SLSA provenance", what: "SLSA provenance", path: p,
			write: func(w io.Writer, b *buildOutput) error { return writeProvenance(w, b, subjects) }})
	} else if len(subjects) > 0 {
		return nil, usageError("%s: --provenance-subject needs --provenance FILE", command)
	}
	return ws, nil
}

// writeProvenance writes the SLSA provenance of b, about the files named
// (or, with none, the capture log).
func writeProvenance(w io.Writer, b *buildOutput, files []string) error {
	if len(files) == 0 {
		if b.capturePath == stdoutPath {
			return fmt.Errorf("the capture log was read from standard input: name the subjects with --provenance-subject FILE")
		}
		files = []string{b.capturePath}
	}
	subjects := make([]provenance.Subject, 0, len(files))
	for _, f := range files {
		sum, err := fileSHA256(f)
		if err != nil {
			return fmt.Errorf("subject %s: %w", f, err)
		}
		subjects = append(subjects, provenance.Subject{Name: filepath.Base(f), Digest: map[string]string{"sha256": sum}})
	}
	return provenance.Write(w, provenance.Input{Log: b.report.Log, BOM: b.bom, Subjects: subjects, ToolVersion: version})
}

// writeHTML writes the HTML report of b.
func writeHTML(w io.Writer, b *buildOutput) error {
	return htmlreport.Write(w, htmlreport.Input{
		Log:       b.report.Log,
		Build:     b.view(),
		Generated: time.Now(),
		Exchanges: exchangesOf(b.report),
	})
}

// exchangesOf gives the HTML report every exchange of r with its finding.
func exchangesOf(r *audit.Report) htmlreport.ExchangesFunc {
	return func(fn func(x *capture.Exchange, ecosystem, kind string) error) error {
		return r.EachExchange(func(x *capture.Exchange, f classify.Finding) error {
			return fn(x, f.Ecosystem, string(f.Kind))
		})
	}
}

// fileSHA256 is the lower-case hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", bareError(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", bareError(err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// runWriters renders and writes each writer's file, returning what was
// written (for the summary) and the errors, each naming its file.
func runWriters(env *appEnv, ws []outputWriter, b *buildOutput) (wrote []string, errs []error) {
	for _, w := range ws {
		var buf bytes.Buffer
		if err := w.write(&buf, b); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", w.flag, err))
			continue
		}
		if err := writeOutput(env, w.path, buf.Bytes()); err != nil {
			errs = append(errs, fmt.Errorf("cannot write the %s to %s: %w", w.noun, w.path, err))
			continue
		}
		wrote = append(wrote, w.what+" to "+displayPath(w.path))
	}
	return wrote, errs
}

// writeCI writes what a GitHub Actions run shows of the build: the markdown
// summary appended to $GITHUB_STEP_SUMMARY when it is set, and, when
// GITHUB_ACTIONS=true, the mismatches and deny violations as ::error
// workflow commands on standard output (standard error when an output
// goes to standard output). A summary that cannot be written is a warning:
// it never changes the build's exit code.
func writeCI(env *appEnv, opts outputOptions, b *buildOutput) {
	summaryPath := env.getenv("GITHUB_STEP_SUMMARY")
	actions := env.getenv("GITHUB_ACTIONS") == "true"
	if summaryPath == "" && !actions {
		return
	}
	v := b.view()
	if summaryPath != "" {
		var buf bytes.Buffer
		err := ghactions.WriteSummary(&buf, v)
		if err == nil {
			err = appendFile(summaryPath, buf.Bytes())
		}
		if err != nil {
			fmt.Fprintf(env.stderr, "depaudit: warning: cannot append the summary to GITHUB_STEP_SUMMARY (%s): %v\n", summaryPath, err)
		}
	}
	if actions {
		w := env.stdout
		if opts.writesStdout() {
			w = env.stderr
		}
		if err := ghactions.WriteAnnotations(w, v); err != nil {
			fmt.Fprintf(env.stderr, "depaudit: warning: workflow commands: %v\n", err)
		}
	}
}

// view is what people are shown of the build.
func (b *buildOutput) view() *view.Build {
	return view.New(view.Input{Report: b.report, BOM: b.bom, BaselineName: b.baselinePath})
}

// appendFile appends data to the file at path, creating it if needed.
func appendFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return bareError(err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return bareError(err)
	}
	return bareError(f.Close())
}
