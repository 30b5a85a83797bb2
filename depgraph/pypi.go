package depgraph

import (
	"encoding/json"
	"regexp"
	"strings"

	pep440 "github.com/aquasecurity/go-pep440-version"
)

// PyPI requirements are PEP 508 strings as core metadata's Requires-Dist
// states them: "NAME[EXTRAS] SPECIFIERS; MARKER" (or "NAME @ URL").
// A requirement is matched against the fetched versions of NAME (PEP 503
// normalised) with the PEP 440 specifiers; a marker is evaluated in the
// build's environment (see PipEnvironment) and in the extras that the
// build's other requirements of the package ask for: a requirement whose
// marker is false is no edge, one whose marker cannot be decided (a
// variable the environment does not hold) stays an edge.

// pep508Name is a requirement's project name and the rest.
var pep508Name = regexp.MustCompile(`^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(.*)$`)

// pypiRequirement is a PEP 508 requirement, parsed.
type pypiRequirement struct {
	name   string // normalised
	extras []string
	spec   string // PEP 440 specifiers, "" for any version
	url    bool   // "NAME @ URL": the version is what the URL served
	marker string
}

// parsePyPIRequirement parses a PEP 508 requirement; ok is false when it
// is not one.
func parsePyPIRequirement(r string) (pypiRequirement, bool) {
	var req pypiRequirement
	body, marker, _ := strings.Cut(r, ";")
	req.marker = strings.TrimSpace(marker)
	m := pep508Name.FindStringSubmatch(body)
	if m == nil {
		return req, false
	}
	req.name = normalPyPIName(m[1])
	rest := strings.TrimSpace(m[2])
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return req, false
		}
		for _, e := range strings.Split(rest[1:end], ",") {
			if e = strings.TrimSpace(e); e != "" {
				req.extras = append(req.extras, normalPyPIName(e))
			}
		}
		rest = strings.TrimSpace(rest[end+1:])
	}
	if strings.HasPrefix(rest, "@") {
		req.url = true
		return req, true
	}
	rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")"))
	req.spec = rest
	return req, true
}

// normalPyPIName is a project or extra name normalised as PEP 503 says:
// lower case, each run of "-", "_" and "." one "-".
func normalPyPIName(n string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(strings.TrimSpace(n)) {
		if c == '-' || c == '_' || c == '.' {
			dash = true
			continue
		}
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteRune(c)
	}
	return b.String()
}

// satisfyPyPI returns the fetched versions of the requirement's project
// that its specifiers admit (every fetched version for a URL requirement).
func satisfyPyPI(req pypiRequirement, byName map[string][]Package) []Package {
	cands := byName["pypi\x00"+req.name]
	if req.url || req.spec == "" {
		return cands
	}
	ss, err := pep440.NewSpecifiers(req.spec, pep440.WithPreRelease(true))
	if err != nil {
		return nil
	}
	var out []Package
	for _, p := range cands {
		if v, err := pep440.Parse(p.Version); err == nil && ss.Check(v) {
			out = append(out, p)
		}
	}
	return out
}

// PipEnvironment returns the PEP 508 marker variables an installer's
// User-Agent states: pip sends its Python, implementation and system as
// JSON after "pip/VERSION " (PyPI's linehaul format), and uv the same after
// "uv/VERSION ". It is nil for another User-Agent. Variables it does not
// state (platform_version) are absent: markers on them stay undecided.
func PipEnvironment(ua string) map[string]string {
	name, rest, ok := strings.Cut(ua, "/")
	if !ok || (name != "pip" && name != "uv") {
		return nil
	}
	_, data, ok := strings.Cut(rest, " ")
	if !ok {
		return nil
	}
	var info struct {
		CPU            string `json:"cpu"`
		Implementation struct {
			Name    string `json:"name"`
			Version string `json:"version"`
		} `json:"implementation"`
		Python string `json:"python"`
		System struct {
			Name    string `json:"name"`
			Release string `json:"release"`
		} `json:"system"`
	}
	if json.Unmarshal([]byte(data), &info) != nil {
		return nil
	}
	env := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			env[k] = v
		}
	}
	if parts := strings.Split(info.Python, "."); len(parts) >= 2 {
		set("python_version", parts[0]+"."+parts[1])
		set("python_full_version", info.Python)
	}
	set("implementation_name", strings.ToLower(info.Implementation.Name))
	set("implementation_version", info.Implementation.Version)
	set("platform_python_implementation", info.Implementation.Name)
	set("platform_machine", info.CPU)
	set("platform_system", info.System.Name)
	set("platform_release", info.System.Release)
	switch info.System.Name {
	case "Linux":
		set("sys_platform", "linux")
		set("os_name", "posix")
	case "Darwin":
		set("sys_platform", "darwin")
		set("os_name", "posix")
	case "Windows":
		set("sys_platform", "win32")
		set("os_name", "nt")
	}
	return env
}
