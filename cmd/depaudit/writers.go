package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/provenance"
	"github.com/depaudit/depaudit/sbom"
)

// buildOutput is what every output of a build is written from.
type buildOutput struct {
	log *capture.Log
	res *sbom.Result
	// capturePath is the capture log's file, "-" when it was read from
	// standard input.
	capturePath string
}

// outputWriter writes one output file of a build, beside the SBOM.
type outputWriter struct {
	// flag names the option that asked for it, what names the output.
	flag, what string
	path       string
	write      func(w io.Writer, b *buildOutput) error
}

// writerFlags are the flags of the outputs beside the SBOM (build and
// report).
func writerFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "provenance", Usage: "also write the build's SLSA provenance (an unsigned in-toto statement) to `FILE`"},
		&cli.StringSliceFlag{Name: "provenance-subject", Usage: "name `FILE` (a build output) as a subject of the provenance; default: the capture log"},
	}
}

// parseWriterFlags returns the writers the flags of c ask for.
func parseWriterFlags(c *cli.Context, command string) ([]outputWriter, error) {
	var ws []outputWriter
	subjects := c.StringSlice("provenance-subject")
	if p := c.String("provenance"); p != "" {
		ws = append(ws, outputWriter{flag: "--provenance", what: "SLSA provenance", path: p,
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
	return provenance.Write(w, provenance.Input{Log: b.log, BOM: b.res.BOM, Subjects: subjects, ToolVersion: version})
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
			errs = append(errs, fmt.Errorf("cannot write the %s to %s: %w", w.what, w.path, err))
			continue
		}
		wrote = append(wrote, w.what+" to "+displayPath(w.path))
	}
	return wrote, errs
}
