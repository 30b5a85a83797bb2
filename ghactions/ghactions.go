// Package ghactions writes what a build shows in a GitHub Actions run: a
// markdown summary for the job's step summary ($GITHUB_STEP_SUMMARY), and
// `::error` workflow commands for the digest mismatches and the policy's
// deny violations, which GitHub shows as annotations.
//
// Its input is a view.Build (the figures, packages, mismatches and
// violations of one build).
package ghactions

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/depaudit/depaudit/internal/plural"
	"github.com/depaudit/depaudit/view"
)

// maxRows bounds each table of the summary (GitHub caps a step summary at
// 1 MiB); the rest is counted.
const maxRows = 100

// maxAnnotations bounds the ::error commands written (GitHub shows ten
// per step); the rest are counted in one more.
const maxAnnotations = 50

// WriteSummary writes the markdown summary of b.
func WriteSummary(w io.Writer, b *view.Build) error {
	bw := bufio.NewWriter(w)
	title := "depaudit"
	if b.Project != "" {
		title += ": " + b.Project
	}
	fmt.Fprintf(bw, "## %s\n\n", mdText(title))
	mismatches := b.Mismatches()
	if n := len(mismatches); n > 0 {
		fmt.Fprintf(bw, "> [!CAUTION]\n> **%d %s received with bytes that differ from the digests %s registry published.**\n\n",
			n, plural.Noun(n, "package was", "packages were"), plural.Noun(n, "its", "their"))
	}
	if n := b.Denied(); n > 0 {
		fmt.Fprintf(bw, "> [!CAUTION]\n> **The build broke %d deny %s of the policy.**\n\n", n, plural.Noun(n, "rule", "rules"))
	}
	fmt.Fprint(bw, "| | |\n| --- | --- |\n")
	if b.Command != "" {
		fmt.Fprintf(bw, "| Command | %s |\n", mdCode(b.Command))
	}
	exit := "unknown (the capture log has no end)"
	if b.ExitCode >= 0 {
		exit = fmt.Sprint(b.ExitCode)
		if b.Signal != "" {
			exit += " (" + b.Signal + ")"
		}
	}
	fmt.Fprintf(bw, "| Exit code | %s |\n", exit)
	if d := b.Duration(); d > 0 {
		fmt.Fprintf(bw, "| Duration | %s |\n", d.Round(time.Millisecond))
	}
	s := b.Summary
	req := fmt.Sprintf("%d to %d %s", s.Requests, s.Hosts, plural.Noun(s.Hosts, "host", "hosts"))
	if s.Failures > 0 {
		req += fmt.Sprintf(", %d failed", s.Failures)
	}
	fmt.Fprintf(bw, "| Requests | %s |\n", req)
	fmt.Fprintf(bw, "| Received | %s |\n", humanBytes(s.Bytes))
	var ecos []string
	for _, e := range b.Ecosystems() {
		ecos = append(ecos, fmt.Sprintf("%s %d", e, s.Packages[e]))
	}
	pk := fmt.Sprint(s.Components)
	if len(ecos) > 0 {
		pk += ": " + strings.Join(ecos, ", ")
	}
	fmt.Fprintf(bw, "| Packages | %s |\n", mdText(pk))
	fmt.Fprintf(bw, "| Verification | %d verified, %d mismatch, %d unverifiable |\n",
		b.Counts[view.Verified], b.Counts[view.Mismatch], b.Counts[view.Unverifiable])
	if len(s.UnclassifiedHosts) > 0 {
		fmt.Fprintf(bw, "| Unclassified | %d %s to %s |\n", s.UnclassifiedCalls, plural.Noun(s.UnclassifiedCalls, "call", "calls"),
			mdText(plural.List(s.UnclassifiedHosts, 20)))
	}
	if len(b.Violations) > 0 {
		fmt.Fprintf(bw, "| Policy | %d deny, %d warn |\n", b.Denied(), len(b.Violations)-b.Denied())
	}
	fmt.Fprintln(bw)

	if len(mismatches) > 0 {
		fmt.Fprint(bw, "### Digest mismatches\n\n| Package | Published | Received | URL |\n| --- | --- | --- | --- |\n")
		for i, p := range mismatches {
			if i == maxRows {
				fmt.Fprintf(bw, "\n… and %d more.\n", len(mismatches)-maxRows)
				break
			}
			fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", mdCode(p.PURL), mdCode(strings.Join(p.Expected, " ")),
				mdCode(strings.Join(p.Received, " ")), mdCode(p.URL))
		}
		fmt.Fprintln(bw)
	}
	if len(b.Violations) > 0 {
		fmt.Fprint(bw, "### Policy violations\n\n")
		for i, v := range b.Violations {
			if i == maxRows {
				fmt.Fprintf(bw, "- … and %d more\n", len(b.Violations)-maxRows)
				break
			}
			fmt.Fprintf(bw, "- %s\n", mdText(v.Text))
		}
		fmt.Fprintln(bw)
	}
	if len(b.Warnings) > 0 {
		fmt.Fprint(bw, "<details><summary>Warnings</summary>\n\n")
		for i, wn := range b.Warnings {
			if i == maxRows {
				fmt.Fprintf(bw, "- … and %d more\n", len(b.Warnings)-maxRows)
				break
			}
			fmt.Fprintf(bw, "- %s\n", mdText(wn))
		}
		fmt.Fprint(bw, "\n</details>\n\n")
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if b.Diff != nil {
		if b.BaselineName != "" {
			if _, err := fmt.Fprintf(w, "Compared with %s:\n\n", mdCode(b.BaselineName)); err != nil {
				return err
			}
		}
		if err := b.Diff.WriteMarkdown(w); err != nil {
			return err
		}
		_, err := io.WriteString(w, "\n")
		return err
	}
	return nil
}

// WriteAnnotations writes one `::error` workflow command per digest
// mismatch and per deny violation of b.
func WriteAnnotations(w io.Writer, b *view.Build) error {
	type annotation struct{ title, msg string }
	var as []annotation
	for _, p := range b.Mismatches() {
		msg := fmt.Sprintf("%s: the bytes received differ from the published digest: published %s, received %s, from %s",
			p.PURL, strings.Join(p.Expected, ", "), strings.Join(p.Received, ", "), p.URL)
		as = append(as, annotation{"depaudit: digest mismatch", msg})
	}
	for _, v := range b.Violations {
		if v.Deny {
			as = append(as, annotation{"depaudit: policy violation", v.Text})
		}
	}
	bw := bufio.NewWriter(w)
	for i, a := range as {
		if i == maxAnnotations {
			fmt.Fprintf(bw, "::error title=%s::%s\n", EscapeProperty("depaudit"),
				EscapeData(fmt.Sprintf("%d more mismatches and violations: see the step summary or the build's output", len(as)-maxAnnotations)))
			break
		}
		fmt.Fprintf(bw, "::error title=%s::%s\n", EscapeProperty(a.title), EscapeData(a.msg))
	}
	return bw.Flush()
}

// EscapeData escapes the message of a workflow command as GitHub's
// toolkit does: %, CR and LF.
func EscapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// EscapeProperty escapes a property value of a workflow command: as
// EscapeData, and also ':' and ','.
func EscapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// mdCode renders s as inline code inside a table cell.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// mdText escapes what markdown would interpret in plain text.
func mdText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", ">", "&gt;", "[", `\[`, "#", `\#`)
	return r.Replace(s)
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
