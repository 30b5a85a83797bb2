package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/plural"
	"github.com/depaudit/depaudit/rules"
)

// exitViolation is the exit code of a build whose command succeeded but broke
// a deny rule of the policy, with --fail-on-violation. It differs from
// depaudit's own error code (2); the command's own failure wins over it.
const exitViolation = 3

// rulesFlag is --rules, shared by build and classify.
func rulesFlag() cli.Flag {
	return &cli.StringFlag{Name: "rules", Usage: "read registries and policy from the rules file `FILE` (YAML)",
		DefaultText: rules.DefaultFile + " in the working directory, when present"}
}

// rulesFlags are the flags of `depaudit build` about the rules file.
func rulesFlags() []cli.Flag {
	return []cli.Flag{
		rulesFlag(),
		&cli.BoolFlag{Name: "fail-on-violation", Usage: fmt.Sprintf("exit %d when the build broke a deny rule of the policy (the SBOM is written first); the command's own failure still wins", exitViolation)},
	}
}

// loadRules loads the rules file of --rules, else .depaudit.yaml in the
// working directory when there is one; nil when there is neither. An
// invalid file is a usage error (exit 2) naming file, line and problem.
func loadRules(c *cli.Context, command string) (*rules.Rules, error) {
	var (
		r   *rules.Rules
		err error
	)
	if p := c.String("rules"); p != "" {
		r, err = rules.Load(p)
	} else {
		r, err = rules.LoadDefault(".")
	}
	if err != nil {
		return nil, usageError("%s: %v", command, err)
	}
	return r, nil
}

// rulesClassifier returns the classifiers of command under the rules file
// (its registries in front of the built-in classifiers), or the built-in
// ones when there is no rules file.
func rulesClassifier(c *cli.Context, command string) (*classify.Set, error) {
	r, err := loadRules(c, command)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return classify.Default(), nil
	}
	return r.Classifier(), nil
}

// buildRules is what a build needs of the rules file.
type buildRules struct {
	rules           *rules.Rules // nil without a rules file
	failOnViolation bool
}

// loadCommandRules reads the rules flags of command (build, or report when
// it regenerates a build's SBOM with the same rules); flags the command
// does not define read as unset. Call it before starting a build, so that
// a bad rules file never costs one.
func loadCommandRules(c *cli.Context, command string) (*buildRules, error) {
	r, err := loadRules(c, command)
	if err != nil {
		return nil, err
	}
	b := &buildRules{rules: r, failOnViolation: c.Bool("fail-on-violation")}
	if b.failOnViolation && r == nil {
		return nil, usageError("%s: --fail-on-violation needs a rules file (--rules FILE, or %s in the working directory)", command, rules.DefaultFile)
	}
	return b, nil
}

// classifier returns the classifiers of the build.
func (b *buildRules) classifier() *classify.Set {
	if b.rules == nil {
		return classify.Default()
	}
	return b.rules.Classifier()
}

// gate returns capture.RunConfig.Gate: nil unless the rules file is in
// enforce mode.
func (b *buildRules) gate() func(*capture.Exchange) string {
	if b.rules == nil {
		return nil
	}
	return b.rules.Gate()
}

// finish prints the violations of the report (nil: the build could not be
// analysed; baseline says whether a baseline SBOM was given) on stderr,
// after the build's summary, and returns the build's exit code given code,
// the command's own (or depaudit's error code): code
// when it is not 0, else exitViolation when --fail-on-violation is set and
// a deny rule was broken, else 0.
func (b *buildRules) finish(env *appEnv, r *audit.Report, baseline bool, code int) int {
	if b.rules == nil {
		return code
	}
	denied := printViolations(env.stderr, b.rules, r, baseline)
	if code != 0 {
		return code
	}
	if denied > 0 && b.failOnViolation {
		fmt.Fprintf(env.stderr, "depaudit: exit %d: the policy of %s was violated (--fail-on-violation)\n", exitViolation, b.rules.Path())
		return exitViolation
	}
	return 0
}

// printViolations writes the policy part of a build's summary and returns
// the number of deny violations.
func printViolations(w io.Writer, r *rules.Rules, rep *audit.Report, baseline bool) int {
	head := fmt.Sprintf("depaudit: policy of %s (%s mode)", r.Path(), r.Mode())
	if r.HashChanged() != rules.Allow && !baseline {
		fmt.Fprintf(w, "depaudit: warning: policy.hash_changed of %s is only checked with --baseline\n", r.Path())
	}
	if rep == nil {
		fmt.Fprintln(w, head+": not evaluated, the SBOM could not be assembled")
		return 0
	}
	vs := rep.Violations
	denied, warned := 0, 0
	for _, v := range vs {
		if v.Level == rules.Deny {
			denied++
		} else {
			warned++
		}
	}
	switch {
	case len(vs) == 0:
		fmt.Fprintln(w, head+": no violations")
		return 0
	case warned == 0:
		fmt.Fprintf(w, "%s: %s\n", head, plural.Count(denied, "violation"))
	default:
		fmt.Fprintf(w, "%s: %s, %s\n", head, plural.Count(denied, "violation"), plural.Count(warned, "warning"))
	}
	for _, v := range vs {
		line := "depaudit:   " + v.String()
		if len(v.URLs) > 0 {
			line += ": " + v.URLs[0]
			if len(v.URLs) > 1 {
				line += fmt.Sprintf(" and %d more", len(v.URLs)-1)
			}
		}
		fmt.Fprintln(w, line)
	}
	return denied
}
