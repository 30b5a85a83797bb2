package sbom

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/package-url/packageurl-go"

	"github.com/depaudit/depaudit/audit"
)

// toolName is the name depaudit gives itself in metadata.tools.
const toolName = "depaudit"

// defaultProjectName names the built project when neither an option nor
// the capture log's directory does.
const defaultProjectName = "unnamed"

// metadata describes the run: when, with what tool, which project, and how
// the build command ended.
func metadata(r *audit.Report, opts Options, ts time.Time) *cdx.Metadata {
	l := r.Log
	name, version, purl := opts.ProjectName, opts.ProjectVersion, ""
	if p := l.Header.Project; name == "" && p != nil && p.Name != "" {
		// The project's own manifest names it; --version still wins.
		name, purl = p.Name, p.PURL
		if version == "" {
			version = p.Version
		} else if purl != "" {
			purl = withVersion(purl, version)
		}
	}
	if name == "" && l.Header.Dir != "" {
		name = filepath.Base(filepath.Clean(l.Header.Dir))
		if name == string(filepath.Separator) || name == "." {
			name = ""
		}
	}
	if name == "" {
		name = defaultProjectName
	}
	var props []cdx.Property
	if len(l.Header.Command) > 0 {
		props = append(props, prop(PropCommand, commandLine(l.Header.Command)))
	}
	if l.Header.Version != "" {
		props = append(props, prop(PropCaptureVersion, l.Header.Version))
	}
	if !l.Header.Start.IsZero() {
		props = append(props, prop(PropStart, formatTime(l.Header.Start)))
	}
	if t := l.Trailer; t != nil {
		if !t.End.IsZero() {
			props = append(props, prop(PropEnd, formatTime(t.End)))
		}
		props = append(props, prop(PropExitCode, strconv.Itoa(t.ExitCode)))
		if t.Signal != "" {
			props = append(props, prop(PropSignal, t.Signal))
		}
	}
	if l.Truncated() {
		props = append(props, prop(PropCaptureTruncated, "true"))
	}
	if l.Header.Sealed {
		props = append(props, prop(PropSealed, "true"))
	}
	if r.Rules != nil {
		props = append(props, prop(PropPolicyMode, string(r.Rules.Mode())))
		if p := r.Rules.Path(); p != "" {
			props = append(props, prop(PropRulesFile, filepath.Base(p)))
		}
		for _, v := range r.Violations {
			props = append(props, prop(PropViolation, v.String()))
		}
	}
	return &cdx.Metadata{
		Timestamp:  formatTime(ts),
		Lifecycles: &[]cdx.Lifecycle{{Phase: cdx.LifecyclePhaseBuild}},
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type:    cdx.ComponentTypeApplication,
			Name:    toolName,
			Version: opts.ToolVersion,
		}}},
		Component: &cdx.Component{
			Type:       cdx.ComponentTypeApplication,
			Name:       name,
			Version:    version,
			PackageURL: purl,
		},
		Properties: propsOrNil(props),
	}
}

// withVersion returns purl with its version set to version, "" when purl
// does not parse.
func withVersion(purl, version string) string {
	p, err := packageurl.FromString(purl)
	if err != nil {
		return ""
	}
	p.Version = version
	return p.ToString()
}

// formatTime renders t in UTC, RFC 3339 with the fraction it has.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// commandLine joins a command's arguments for display, quoting those that
// a shell would split or that are empty.
func commandLine(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n\"'\\$`|&;<>()*?[]{}~#") {
			a = strconv.Quote(a)
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}
