package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/internal/plural"
	"github.com/depaudit/depaudit/sbom"
	"github.com/depaudit/depaudit/spdx"
)

// Default SBOM file names, in the current directory.
const (
	defaultSBOMJSON = "depaudit.cdx.json"
	defaultSBOMXML  = "depaudit.cdx.xml"
	defaultSBOMSPDX = "depaudit.spdx.json"
)

// formatSPDXJSON is the --format value of an SPDX 2.3 JSON document.
const formatSPDXJSON = "spdx-json"

// stdoutPath is the file name that means standard output.
const stdoutPath = "-"

// outputFlags are the flags of the commands that write an SBOM (build and
// report).
func outputFlags() []cli.Flag {
	return append([]cli.Flag{
		&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the SBOM to `FILE`; - for standard output (a build then sends the command's standard output to standard error)",
			DefaultText: defaultSBOMJSON + ", " + defaultSBOMXML + " with --format xml, " + defaultSBOMSPDX + " with --format spdx-json"},
		&cli.StringFlag{Name: "format", Value: string(sbom.FormatJSON), Usage: "SBOM `FORMAT`: json or xml (CycloneDX), or spdx-json (SPDX 2.3)"},
		&cli.StringFlag{Name: "spec-version", Value: sbom.DefaultSpecVersion.String(), Usage: "CycloneDX `VERSION` to write: 1.6 or 1.5"},
		&cli.StringFlag{Name: "unclassified", Usage: "also write the calls to no known registry as JSON to `FILE`; - for standard output"},
		&cli.StringFlag{Name: "name", Usage: "`NAME` of the built project in the SBOM", DefaultText: "the name its manifest (go.mod, package.json, pom.xml, Cargo.toml, pyproject.toml) gives, else the directory's name"},
		&cli.StringFlag{Name: "version", Usage: "`VERSION` of the built project in the SBOM"},
	}, writerFlags()...)
}

// outputOptions are the parsed output flags.
type outputOptions struct {
	// sbomPath is where the SBOM goes; "-" is standard output.
	sbomPath string
	// spdx is set for --format spdx-json; format and spec are then unused.
	spdx   bool
	format sbom.Format
	spec   cdx.SpecVersion
	// unclassifiedPath is where the unclassified calls go, "" for nowhere.
	unclassifiedPath string
	// render are the SBOM's own facts (project, tool version, and, once
	// fixed, serial number and timestamp).
	render sbom.Options
	// writers write the outputs beside the SBOM.
	writers []outputWriter
	// capturePath is the capture log's file ("-": standard input).
	capturePath string
	// baselinePath names the --baseline SBOM, "" without one.
	baselinePath string
}

// fileWriters returns the writers of every file output o asks for, in the
// order they are written: the SBOM in its format, the unclassified calls,
// then the outputs beside the SBOM.
func (o *outputOptions) fileWriters() []outputWriter {
	ws := []outputWriter{o.sbomWriter()}
	if o.unclassifiedPath != "" {
		ws = append(ws, outputWriter{flag: "--unclassified", noun: "unclassified calls", what: "unclassified calls", path: o.unclassifiedPath,
			write: func(w io.Writer, b *buildOutput) error { return audit.WriteUnclassified(w, b.report.Unclassified) }})
	}
	return append(ws, o.writers...)
}

// sbomWriter is the writer of the SBOM in the format of --format.
func (o *outputOptions) sbomWriter() outputWriter {
	if o.spdx {
		return outputWriter{flag: "-o", noun: "SBOM", what: "SBOM (SPDX 2.3 JSON)", path: o.sbomPath,
			write: func(w io.Writer, b *buildOutput) error { return spdx.Write(w, b.bom) }}
	}
	format, spec := o.format, o.spec
	return outputWriter{flag: "-o", noun: "SBOM", what: fmt.Sprintf("SBOM (CycloneDX %s %s)", spec, strings.ToUpper(string(format))), path: o.sbomPath,
		write: func(w io.Writer, b *buildOutput) error { return sbom.Encode(w, b.bom, format, spec) }}
}

// fixIdentity fixes the SBOM's serial number and timestamp, once, so that
// every rendering of one build (the file, the upload) is the same document.
func (o *outputOptions) fixIdentity() {
	if o.render.SerialNumber == "" {
		o.render.SerialNumber = sbom.NewSerialNumber()
	}
	if o.render.Timestamp.IsZero() {
		o.render.Timestamp = time.Now()
	}
}

// writesStdout reports whether an output goes to standard output.
func (o outputOptions) writesStdout() bool {
	if o.sbomPath == stdoutPath || o.unclassifiedPath == stdoutPath {
		return true
	}
	for _, w := range o.writers {
		if w.path == stdoutPath {
			return true
		}
	}
	return false
}

// parseOutputFlags reads and checks the output flags of command; a bad
// value is a usage error (exit 2). A build calls it before starting the
// child, so that a typo never costs a build.
func parseOutputFlags(c *cli.Context, command string) (outputOptions, error) {
	isSPDX := c.String("format") == formatSPDXJSON
	format, err := sbom.ParseFormat(c.String("format"))
	if isSPDX {
		format, err = sbom.FormatJSON, nil
	}
	if err != nil {
		return outputOptions{}, usageError("%s: --format: %v (or %s)", command, err, formatSPDXJSON)
	}
	spec, err := sbom.ParseSpecVersion(c.String("spec-version"))
	if err != nil {
		return outputOptions{}, usageError("%s: --spec-version: %v", command, err)
	}
	o := outputOptions{
		sbomPath:         c.String("output"),
		spdx:             isSPDX,
		format:           format,
		spec:             spec,
		unclassifiedPath: c.String("unclassified"),
		render: sbom.Options{
			ProjectName:    c.String("name"),
			ProjectVersion: c.String("version"),
			ToolVersion:    version,
		},
	}
	if o.sbomPath == "" {
		o.sbomPath = defaultSBOMJSON
		if format == sbom.FormatXML {
			o.sbomPath = defaultSBOMXML
		}
		if isSPDX {
			o.sbomPath = defaultSBOMSPDX
		}
	}
	if o.sbomPath == stdoutPath && o.unclassifiedPath == stdoutPath {
		return outputOptions{}, usageError("%s: -o and --unclassified cannot both write to standard output", command)
	}
	if o.unclassifiedPath != "" && o.unclassifiedPath != stdoutPath && samePath(o.sbomPath, o.unclassifiedPath) {
		return outputOptions{}, usageError("%s: -o and --unclassified name the same file %s", command, o.sbomPath)
	}
	if o.writers, err = parseWriterFlags(c, command); err != nil {
		return outputOptions{}, err
	}
	paths := map[string]string{"-o": o.sbomPath, "--unclassified": o.unclassifiedPath}
	for _, w := range o.writers {
		for flag, p := range paths {
			if p != "" && (w.path == p && p == stdoutPath || samePath(w.path, p)) {
				return outputOptions{}, usageError("%s: %s and %s both write to %s", command, w.flag, flag, displayPath(p))
			}
		}
		paths[w.flag] = w.path
	}
	return o, nil
}

// checkSpares fails with a usage error when an output of o would overwrite
// the file at path (what names it, e.g. "the capture log"), so that a
// typo never destroys the input.
func (o outputOptions) checkSpares(command, path, what string) error {
	if samePath(o.sbomPath, path) {
		return usageError("%s: -o %s would overwrite %s", command, o.sbomPath, what)
	}
	for _, w := range o.writers {
		if samePath(w.path, path) {
			return usageError("%s: %s %s would overwrite %s", command, w.flag, w.path, what)
		}
	}
	if o.unclassifiedPath != "" && samePath(o.unclassifiedPath, path) {
		return usageError("%s: --unclassified %s would overwrite %s", command, o.unclassifiedPath, what)
	}
	return nil
}

// samePath reports whether two output paths name the same file.
func samePath(a, b string) bool {
	if a == stdoutPath || b == stdoutPath {
		return false
	}
	aa, errA := filepath.Abs(a)
	bb, errB := filepath.Abs(b)
	if errA != nil || errB != nil || aa != bb {
		return false
	}
	// A character device (/dev/null) takes any number of writers.
	fi, err := os.Stat(aa)
	return err != nil || fi.Mode()&fs.ModeCharDevice == 0
}

// displayPath names an output path for humans.
func displayPath(p string) string {
	if p == stdoutPath {
		return "standard output"
	}
	return p
}

// writeOutput writes data to path ("-": standard output), as
// writeFileSafely does.
func writeOutput(env *appEnv, path string, data []byte) error {
	if path == stdoutPath {
		_, err := env.stdout.Write(data)
		return err
	}
	return writeFileSafely(path, data)
}

// bareError drops the file name from an *os.PathError or *os.LinkError,
// whose name may be the temporary file's; callers name the real path.
func bareError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// printSummary writes the warnings and the figures of a build to w.
func printSummary(w io.Writer, r *audit.Report, wrote []string) {
	for _, m := range r.Warnings {
		fmt.Fprintln(w, "depaudit: warning: "+m)
	}
	s := r.Summary
	line := fmt.Sprintf("%s to %s, %s received", plural.Count(s.Requests, "request"), plural.Count(s.Hosts, "host"), humanBytes(s.Bytes))
	if s.Failures > 0 {
		line += fmt.Sprintf(", %d failed", s.Failures)
	}
	if s.ExpectedMisses > 0 {
		line += fmt.Sprintf(", %d %s", s.ExpectedMisses, plural.Noun(s.ExpectedMisses, "expected miss (a client's probe)", "expected misses (a client's probes)"))
	}
	if s.Truncated {
		line += " (capture log truncated)"
	}
	fmt.Fprintln(w, "depaudit: "+line)

	ecos := make([]string, 0, len(s.Packages))
	for e := range s.Packages {
		ecos = append(ecos, e)
	}
	slices.Sort(ecos)
	parts := make([]string, len(ecos))
	for i, e := range ecos {
		parts[i] = fmt.Sprintf("%s %d", e, s.Packages[e])
	}
	line = plural.Count(s.Components, "package")
	if len(parts) > 0 {
		line += ": " + strings.Join(parts, ", ")
	}
	if s.FailedDownloads > 0 {
		line += fmt.Sprintf("; %s left out (failed or incomplete)", plural.Count(s.FailedDownloads, "download"))
	}
	fmt.Fprintln(w, "depaudit: "+line)
	if len(s.UnclassifiedHosts) > 0 {
		fmt.Fprintf(w, "depaudit: %s to %s: %s\n", plural.Count(s.UnclassifiedCalls, "unclassified call"),
			plural.Count(len(s.UnclassifiedHosts), "host"), plural.List(s.UnclassifiedHosts, summaryHosts))
	}
	if s.Transparent > 0 {
		fmt.Fprintf(w, "depaudit: %s came around the proxy (captured transparently) to: %s\n",
			plural.Count(s.Transparent, "request"), plural.List(s.TransparentHosts, summaryHosts))
	}
	if len(s.Blocked) > 0 {
		fmt.Fprintf(w, "depaudit: blocked (not TLS or HTTP): %s\n", strings.Join(s.Blocked, ", "))
	}
	if len(s.Relayed) > 0 {
		fmt.Fprintf(w, "depaudit: relayed by sealed_allow: %s\n", strings.Join(s.Relayed, ", "))
	}
	if len(s.FailedTunnels) > 0 {
		fmt.Fprintf(w, "depaudit: TLS handshake failed (the client did not trust depaudit's CA?) for: %s\n", strings.Join(s.FailedTunnels, ", "))
	}
	if len(wrote) > 0 {
		fmt.Fprintln(w, "depaudit: wrote "+strings.Join(wrote, "; "))
	}
}

// humanBytes formats a byte count with a binary unit.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}

// summaryHosts is how many hosts a line of the end-of-build summary names;
// the unclassified calls file and the SBOM list them all.
const summaryHosts = 20
