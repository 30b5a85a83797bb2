package main

import (
	"fmt"
	"os"
	"slices"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/bomdiff"
	"github.com/depaudit/depaudit/capture"
)

func reportCommand(env *appEnv) *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "rebuild the SBOM and the unclassified calls from a capture log",
		ArgsUsage: "CAPTURE.jsonl",
		Description: "Reads a capture log written by `depaudit build --capture FILE` (- for standard input),\n" +
			"classifies its requests again and writes the same outputs a build writes: the SBOM\n" +
			"(identical apart from serialNumber and timestamp) and, with --unclassified, the calls\n" +
			"to no known registry. A log cut short by a crash is read up to the damage, with a warning.\n\n" +
			"Exit status: 0 when the outputs were written; 2 when the log cannot be read or an output\n" +
			"cannot be written; 3 with --fail-on-violation when the run broke a deny rule of the policy.",
		Flags: slices.Concat(outputFlags(), rulesFlags(), verifyFlags(false), []cli.Flag{
			&cli.StringFlag{Name: "baseline", Usage: "check the policy's hash_changed against the SBOM in `FILE` (a previous build's)"},
		}),
		Action: func(c *cli.Context) error {
			return runReport(c, env)
		},
	}
}

func runReport(c *cli.Context, env *appEnv) error {
	env = env.withSafeStderr()
	if c.NArg() != 1 {
		return usageError("report: want one capture log, got %d arguments; usage: depaudit report [flags] CAPTURE.jsonl", c.NArg())
	}
	opts, err := parseOutputFlags(c, "report")
	if err != nil {
		return err
	}
	path := c.Args().First()
	if path != "-" {
		if err := opts.checkSpares("report", path, "the capture log"); err != nil {
			return err
		}
	}
	src, closeLog, err := readCaptureLog(env, path)
	if err != nil {
		return usageError("report: %v", err)
	}
	defer closeLog()
	l := src.log()
	var baseline *cdx.BOM
	if p := c.String("baseline"); p != "" {
		if baseline, err = bomdiff.ReadBOMFile(p); err != nil {
			return usageError("report: --baseline: %v", err)
		}
	}
	br, err := loadCommandRules(c, "report")
	if err != nil {
		return err
	}
	r, err := analyzeLog(c, env, "report", src, br, baseline)
	if err != nil {
		return err
	}
	opts.capturePath = path
	opts.baselinePath = c.String("baseline")
	err = writeOutputs(env, "report", r, &opts)
	if l.Trailer != nil {
		printStrangers(env.stderr, capture.Strangers{Refused: l.Trailer.Strangers})
	}
	if err != nil {
		return err
	}
	if code := br.finish(env, r, baseline != nil, 0); code != 0 {
		return exitCode{code: code}
	}
	return nil
}

// readCaptureLog reads the capture log at path ("-": standard input, read
// whole, as is a pipe or a device); a regular file is read exchange by
// exchange and stays open until closeLog is called.
func readCaptureLog(env *appEnv, path string) (src logSource, closeLog func(), err error) {
	closeLog = func() {}
	if path == "-" {
		l, err := capture.ReadLog(env.stdin)
		if err != nil {
			return src, closeLog, fmt.Errorf("%s: %w", displayInput(path), err)
		}
		return logSource{whole: l}, closeLog, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return src, closeLog, fmt.Errorf("capture log: %w", err)
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
	case fi.Mode().IsRegular():
		src.file, err = capture.OpenLog(f, fi.Size())
	default:
		// A pipe (a shell's <(…)) or a device is read once, whole.
		src.whole, err = capture.ReadLog(f)
	}
	if err != nil {
		f.Close()
		return src, closeLog, fmt.Errorf("%s: %w", displayInput(path), err)
	}
	return src, func() { f.Close() }, nil
}

// displayInput names an input path for humans.
func displayInput(p string) string {
	if p == "-" {
		return "standard input"
	}
	return p
}
