package main

import (
	"fmt"
	"io"
	"os"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/bomdiff"
)

// exitDifferent is diff's exit code when the BOMs differ in a category that
// --fail-on selects.
const exitDifferent = 1

func diffCommand(env *appEnv) *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "show what changed between two CycloneDX BOMs",
		ArgsUsage: "OLD NEW",
		Description: "Compares two CycloneDX BOMs (JSON or XML, 1.3 or newer; depaudit's own or another\n" +
			"generator's; \"-\" reads one of them from standard input). Components are matched by package\n" +
			"URL without version, falling back to group and name, each version separately; services by name.\n" +
			"serialNumber, timestamps, bom-ref values and order are ignored.\n\n" +
			"Categories: hash_changed (same package URL and version, different bytes), url_changed (a\n" +
			"package served from a new host), added, removed, upgraded, downgraded, changed (versions\n" +
			"that cannot be ordered), services_added, services_removed.\n\n" +
			"Exit status: 0 when the BOMs are equivalent (or differ only outside --fail-on), 1 when they\n" +
			"differ, 2 on an error (a missing, malformed or unsupported BOM, a bad flag).",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output `FORMAT`: text, json or markdown"},
			&cli.StringFlag{Name: "fail-on", Value: "all", Usage: "exit 1 only for differences in `CATEGORIES` (comma-separated, \"all\" or \"none\")"},
			&cli.StringFlag{Name: "color", Value: "auto", Usage: "colour the text output: `WHEN` auto (on a terminal), always or never"},
		},
		Action: func(c *cli.Context) error {
			return runDiff(c, env)
		},
	}
}

func runDiff(c *cli.Context, env *appEnv) error {
	args := c.Args().Slice()
	if len(args) != 2 {
		return usageError("diff: want two BOMs, OLD and NEW, got %d argument(s); usage: depaudit diff [flags] OLD NEW", len(args))
	}
	format := c.String("format")
	switch format {
	case "text", "json", "markdown", "md":
	default:
		return usageError("diff: unknown --format %q (want text, json or markdown)", format)
	}
	failOn, err := bomdiff.ParseCategories(c.String("fail-on"))
	if err != nil {
		return usageError("diff: --fail-on: %v", err)
	}
	color, err := useColor(c.String("color"), env)
	if err != nil {
		return err
	}
	if args[0] == "-" && args[1] == "-" {
		return usageError("diff: only one of OLD and NEW can be standard input")
	}
	old, err := readDiffInput(args[0], env)
	if err != nil {
		return usageError("diff: %v", err)
	}
	new, err := readDiffInput(args[1], env)
	if err != nil {
		return usageError("diff: %v", err)
	}
	d := bomdiff.DiffBOMs(old, new)
	switch format {
	case "json":
		err = d.WriteJSON(env.stdout)
	case "markdown", "md":
		err = d.WriteMarkdown(env.stdout)
	default:
		err = d.WriteText(env.stdout, color)
	}
	if err != nil {
		return usageError("diff: writing the result: %v", err)
	}
	if d.Has(failOn...) {
		return exitCode{code: exitDifferent}
	}
	return nil
}

// readDiffInput reads a BOM from a file, or from standard input for "-".
func readDiffInput(path string, env *appEnv) (*cdx.BOM, error) {
	if path != "-" {
		return bomdiff.ReadBOMFile(path)
	}
	data, err := io.ReadAll(env.stdin)
	if err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	bom, err := bomdiff.ParseBOM(data)
	if err != nil {
		return nil, fmt.Errorf("standard input: %w", err)
	}
	return bom, nil
}

// useColor decides whether the text output is coloured: "auto" colours
// only a terminal, and not when NO_COLOR is set or TERM is "dumb".
func useColor(when string, env *appEnv) (bool, error) {
	switch when {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		if env.getenv != nil && (env.getenv("NO_COLOR") != "" || env.getenv("TERM") == "dumb") {
			return false, nil
		}
		return isTerminal(env.stdout), nil
	}
	return false, usageError("diff: unknown --color %q (want auto, always or never)", when)
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
