package bomdiff

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/depaudit/depaudit/internal/termsafe"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// ANSI styles of the text output.
const (
	ansiReset   = "\x1b[0m"
	ansiBoldRed = "\x1b[1;31m"
	ansiRed     = "\x1b[31m"
	ansiGreen   = "\x1b[32m"
	ansiYellow  = "\x1b[33m"
	ansiBoldYel = "\x1b[1;33m"
	ansiCyan    = "\x1b[36m"
	ansiMagenta = "\x1b[35m"
	ansiBold    = "\x1b[1m"
)

// textSection describes how one category is shown as text.
type textSection struct {
	title string
	style string
}

var textSections = map[Category]textSection{
	CategoryHashChanged:         {"HASH CHANGED (same version, different bytes)", ansiBoldRed},
	CategoryVerificationChanged: {"VERIFICATION CHANGED (same version, other verdict or Go h1)", ansiBoldRed},
	CategoryURLChanged:          {"URL CHANGED (served from another host)", ansiBoldYel},
	CategoryAdded:               {"ADDED", ansiGreen},
	CategoryRemoved:             {"REMOVED", ansiRed},
	CategoryUpgraded:            {"UPGRADED", ansiCyan},
	CategoryDowngraded:          {"DOWNGRADED", ansiYellow},
	CategoryChanged:             {"CHANGED (versions that cannot be ordered)", ansiMagenta},
	CategoryServicesAdded:       {"SERVICES ADDED (hosts or services the build now talks to)", ansiYellow},
	CategoryServicesRemoved:     {"SERVICES REMOVED", ""},
}

// WriteText writes the diff for a terminal: one group per category that has
// differences, hash changes first, then a one-line summary. color adds ANSI
// colours; callers enable it only when w is a terminal.
func (d *Diff) WriteText(w io.Writer, color bool) error {
	bw := bufio.NewWriter(w)
	paint := func(style, s string) string {
		if !color || style == "" {
			return s
		}
		return style + s + ansiReset
	}
	for _, c := range Categories() {
		n := d.Count(c)
		if n == 0 {
			continue
		}
		sec := textSections[c]
		fmt.Fprintf(bw, "%s\n", paint(ansiBold+sec.style, fmt.Sprintf("%s: %d", sec.title, n)))
		for _, line := range d.textLines(c) {
			// Names, versions and URLs come from SBOMs depaudit did not
			// write: escape what a terminal would act on.
			fmt.Fprintf(bw, "  %s\n", paint(sec.style, termsafe.String(line)))
		}
		fmt.Fprintln(bw)
	}
	summary := d.Summary()
	if d.Count(CategoryHashChanged) > 0 {
		summary = paint(ansiBoldRed, summary)
	}
	fmt.Fprintf(bw, "summary: %s\n", summary)
	return bw.Flush()
}

// textLines renders the entries of one category, one line each (hash
// changes take one line per algorithm more).
func (d *Diff) textLines(c Category) []string {
	var out []string
	switch c {
	case CategoryHashChanged:
		for _, h := range d.HashChanged {
			line := "!! " + refLabel(h.PackageRef)
			if h.Mutable {
				line += "  (SNAPSHOT: may change by design)"
			}
			out = append(out, line)
			for _, hd := range h.Hashes {
				out = append(out, fmt.Sprintf("     %-8s %s -> %s", hd.Algorithm, shortDigests(hd.Old), shortDigests(hd.New)))
			}
			if hostsDiffer(h.OldURLs, h.NewURLs) {
				out = append(out, fmt.Sprintf("     from     %s -> %s", strings.Join(h.OldURLs, " "), strings.Join(h.NewURLs, " ")))
			}
		}
	case CategoryVerificationChanged:
		for _, v := range d.VerificationChanged {
			o, n := verificationSides(v)
			out = append(out, fmt.Sprintf("!! %s  %s -> %s", refLabel(v.PackageRef), o, n))
		}
	case CategoryURLChanged:
		for _, u := range d.URLChanged {
			out = append(out, fmt.Sprintf("~> %s  %s -> %s", u.Key, strings.Join(u.OldHosts, ","), strings.Join(u.NewHosts, ",")))
		}
	case CategoryAdded:
		for _, r := range d.Added {
			out = append(out, "+ "+refLabel(r)+viaLabel(r.Via))
		}
	case CategoryRemoved:
		for _, r := range d.Removed {
			out = append(out, "- "+refLabel(r))
		}
	case CategoryUpgraded:
		out = changeLines("^", d.Upgraded)
	case CategoryDowngraded:
		out = changeLines("v", d.Downgraded)
	case CategoryChanged:
		out = changeLines("~", d.Changed)
	case CategoryServicesAdded:
		out = serviceLines("+", d.ServicesAdded)
	case CategoryServicesRemoved:
		out = serviceLines("-", d.ServicesRemoved)
	}
	return out
}

// verificationSides describes each side of a verification change:
// "verified", "h1:…" or both.
func verificationSides(v VerificationChange) (string, string) {
	side := func(status, h1 string) string {
		return strings.TrimSpace(status + " " + h1)
	}
	return side(v.OldStatus, v.OldGoH1), side(v.NewStatus, v.NewGoH1)
}

func changeLines(mark string, vcs []VersionChange) []string {
	var out []string
	for _, v := range vcs {
		out = append(out, fmt.Sprintf("%s %s  %s -> %s", mark, v.Key, v.OldVersion, v.NewVersion))
	}
	return out
}

func serviceLines(mark string, ss []ServiceRef) []string {
	var out []string
	for _, s := range ss {
		line := mark + " " + s.Name
		switch n := len(s.Endpoints); {
		case n == 1:
			line += "  " + s.Endpoints[0]
		case n > 1:
			line += fmt.Sprintf("  %s (+%d more)", s.Endpoints[0], n-1)
		}
		out = append(out, line)
	}
	return out
}

// refLabel names a package version: its purl when it has one, else
// group/name@version.
func refLabel(r PackageRef) string {
	if r.PURL != "" {
		return r.PURL
	}
	if r.Version == "" {
		return r.Key
	}
	return r.Key + "@" + r.Version
}

// shortDigests abbreviates digests for display.
func shortDigests(ds []string) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = shortDigest(d)
	}
	return strings.Join(out, ",")
}

// shortDigest keeps the first 16 hex digits of a digest.
func shortDigest(d string) string {
	if len(d) > 16 {
		return d[:16] + "…"
	}
	return d
}

// hostsDiffer reports whether two URL lists came from different hosts.
func hostsDiffer(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	seen := map[string]bool{}
	for _, u := range a {
		seen[urlkey.Host(u)] = true
	}
	for _, u := range b {
		if !seen[urlkey.Host(u)] {
			return true
		}
	}
	return false
}

// viaLabel is "  (via a@1 → b@2)" for a path, "" for none.
func viaLabel(via []string) string {
	if len(via) == 0 {
		return ""
	}
	return "  (via " + strings.Join(via, " → ") + ")"
}
