package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

func classifyCommand(env *appEnv) *cli.Command {
	return &cli.Command{
		Name:      "classify",
		Usage:     "show what depaudit makes of URLs (kind, ecosystem, purl)",
		ArgsUsage: "URL...",
		Description: "Classifies each URL as a build's request for it would be: artifact, metadata,\n" +
			"sidecar, api or unclassified, with the ecosystem and package URL (purl).\n" +
			"Credentials in the URLs are redacted before anything is printed.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: `print one JSON object per URL: {"url","kind","ecosystem","purl"}`},
			rulesFlag(),
		},
		Action: func(c *cli.Context) error {
			set, err := classifySet(c)
			if err != nil {
				return err
			}
			// URLs may come from a capture log: nothing printed may drive the terminal.
			return runClassify(termSafe{W: env.stdout}, set, c.Bool("json"), c.Args().Slice())
		},
	}
}

// classifySet returns the classifiers the command uses: the built-in ones,
// with the extra registries of the rules file (--rules, or .depaudit.yaml)
// in front of them.
func classifySet(c *cli.Context) (*classify.Set, error) {
	return rulesClassifier(c, "classify")
}

// classifyLine is one URL's result as `classify --json` prints it; every key
// is always present.
type classifyLine struct {
	URL       string `json:"url"`
	Kind      string `json:"kind"`
	Ecosystem string `json:"ecosystem"`
	PURL      string `json:"purl"`
}

// runClassify prints the finding of each URL that parses, then fails with
// one line naming those that do not (exit 2), or when there is none.
func runClassify(w io.Writer, set *classify.Set, asJSON bool, urls []string) error {
	if len(urls) == 0 {
		return usageError("classify: no URL given (usage: depaudit classify [--json] URL...)")
	}
	var (
		lines []classifyLine
		bad   []string
	)
	for _, raw := range urls {
		shown, _ := capture.RedactURL(raw)
		if err := checkAbsoluteURL(raw); err != nil {
			bad = append(bad, fmt.Sprintf("%q (%v)", shown, err))
			continue
		}
		f := set.Classify(classify.Request{URL: shown})
		lines = append(lines, classifyLine{URL: shown, Kind: string(f.Kind), Ecosystem: f.Ecosystem, PURL: f.PURL})
	}
	if err := printClassified(w, lines, asJSON); err != nil {
		return fmt.Errorf("classify: write output: %w", err)
	}
	if len(bad) > 0 {
		noun := "URL"
		if len(bad) > 1 {
			noun = "URLs"
		}
		return usageError("classify: cannot parse %s %s", noun, strings.Join(bad, ", "))
	}
	return nil
}

// checkAbsoluteURL accepts what a build could request: an absolute URL with
// a scheme and a host.
func checkAbsoluteURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the URL, which may hold credentials: keep
		// only the reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			return ue.Err
		}
		return err
	}
	if u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("not an absolute URL with a host")
	}
	return nil
}

func printClassified(w io.Writer, lines []classifyLine, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		for _, l := range lines {
			if err := enc.Encode(l); err != nil {
				return err
			}
		}
		return nil
	}
	if len(lines) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tECOSYSTEM\tPURL\tURL")
	for _, l := range lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Kind, dash(l.Ecosystem), dash(l.PURL), l.URL)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
