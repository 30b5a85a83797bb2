package bomdiff

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/depaudit/depaudit/internal/plural"
)

// markdownLabels name the categories in the markdown table.
var markdownLabels = map[Category]string{
	CategoryHashChanged:         "**hash changed**",
	CategoryVerificationChanged: "**verification changed**",
	CategoryURLChanged:          "**host changed**",
	CategoryAdded:               "added",
	CategoryRemoved:             "removed",
	CategoryUpgraded:            "upgraded",
	CategoryDowngraded:          "downgraded",
	CategoryChanged:             "changed",
	CategoryServicesAdded:       "service added",
	CategoryServicesRemoved:     "service removed",
}

// WriteMarkdown writes the diff as markdown fit for a pull-request comment:
// a warning when bytes changed under a version, one table row per
// difference (hash changes first) and the summary.
func (d *Diff) WriteMarkdown(w io.Writer) error {
	bw := bufio.NewWriter(w)
	fmt.Fprint(bw, "### depaudit diff\n\n")
	if d.Equivalent() {
		fmt.Fprintf(bw, "No differences: %d package versions unchanged.\n", d.Unchanged)
		return bw.Flush()
	}
	if n := d.Count(CategoryHashChanged); n > 0 {
		fmt.Fprintf(bw, "> [!CAUTION]\n> **%d %s changed %s bytes without changing %s version.**\n\n",
			n, plural.Noun(n, "artifact", "artifacts"), plural.Noun(n, "its", "their"), plural.Noun(n, "its", "their"))
	}
	if n := d.Count(CategoryURLChanged); n > 0 {
		fmt.Fprintf(bw, "> [!WARNING]\n> **%d %s now fetched from a new host.**\n\n", n, plural.Noun(n, "package is", "packages are"))
	}
	fmt.Fprint(bw, "| Change | Package | Old | New |\n| --- | --- | --- | --- |\n")
	for _, c := range Categories() {
		for _, row := range d.markdownRows(c) {
			fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", markdownLabels[c], row[0], row[1], row[2])
		}
	}
	fmt.Fprintf(bw, "\n**Summary:** %s\n", mdText(d.Summary()))
	return bw.Flush()
}

// markdownRows renders the entries of one category as (package, old, new)
// cells.
func (d *Diff) markdownRows(c Category) [][3]string {
	var rows [][3]string
	switch c {
	case CategoryHashChanged:
		for _, h := range d.HashChanged {
			var o, n []string
			for _, hd := range h.Hashes {
				o = append(o, string(hd.Algorithm)+" "+mdCode(shortDigests(hd.Old)))
				n = append(n, string(hd.Algorithm)+" "+mdCode(shortDigests(hd.New)))
			}
			pkg := mdCode(refLabel(h.PackageRef))
			if h.Mutable {
				pkg += " (SNAPSHOT)"
			}
			rows = append(rows, [3]string{pkg, strings.Join(o, "<br>"), strings.Join(n, "<br>")})
		}
	case CategoryVerificationChanged:
		for _, v := range d.VerificationChanged {
			o, n := verificationSides(v)
			rows = append(rows, [3]string{mdCode(refLabel(v.PackageRef)), mdCode(o), mdCode(n)})
		}
	case CategoryURLChanged:
		for _, u := range d.URLChanged {
			rows = append(rows, [3]string{mdCode(u.Key), mdCode(strings.Join(u.OldHosts, ", ")), mdCode(strings.Join(u.NewHosts, ", "))})
		}
	case CategoryAdded:
		for _, r := range d.Added {
			version := mdCode(r.Version)
			if len(r.Via) > 0 {
				version += " via " + mdCode(strings.Join(r.Via, " → "))
			}
			rows = append(rows, [3]string{mdCode(r.Key), "", version})
		}
	case CategoryRemoved:
		for _, r := range d.Removed {
			rows = append(rows, [3]string{mdCode(r.Key), mdCode(r.Version), ""})
		}
	case CategoryUpgraded, CategoryDowngraded, CategoryChanged:
		list := map[Category][]VersionChange{
			CategoryUpgraded: d.Upgraded, CategoryDowngraded: d.Downgraded, CategoryChanged: d.Changed,
		}[c]
		for _, v := range list {
			rows = append(rows, [3]string{mdCode(v.Key), mdCode(v.OldVersion), mdCode(v.NewVersion)})
		}
	case CategoryServicesAdded:
		for _, s := range d.ServicesAdded {
			rows = append(rows, [3]string{mdCode(s.Name), "", endpointCount(s)})
		}
	case CategoryServicesRemoved:
		for _, s := range d.ServicesRemoved {
			rows = append(rows, [3]string{mdCode(s.Name), endpointCount(s), ""})
		}
	}
	return rows
}

func endpointCount(s ServiceRef) string {
	n := len(s.Endpoints)
	return fmt.Sprintf("%d %s", n, plural.Noun(n, "endpoint", "endpoints"))
}

// mdCode renders s as inline code inside a table cell; "" stays empty.
func mdCode(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ReplaceAll(oneLine(s), "|", `\|`)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// mdText escapes characters that markdown would interpret in plain text.
func mdText(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "|", `\|`, "*", `\*`, "_", `\_`, "`", "\\`", "<", "&lt;", "[", `\[`)
	return r.Replace(s)
}
