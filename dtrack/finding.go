package dtrack

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Severity is a vulnerability severity as Dependency-Track ranks it.
type Severity int

// Severities from lowest to highest.
const (
	SeverityUnassigned Severity = iota
	SeverityInfo
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"unassigned", "info", "low", "medium", "high", "critical"}

// String returns the lower-case name, e.g. "high".
func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity reads a severity name in any case ("high", "CRITICAL").
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(strings.TrimSpace(s), n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(severityNames[:], ", "))
}

// Finding is one vulnerability affecting one component of a project.
type Finding struct {
	Component struct {
		UUID    string `json:"uuid"`
		Name    string `json:"name"`
		Group   string `json:"group"`
		Version string `json:"version"`
		PURL    string `json:"purl"`
	} `json:"component"`
	Vulnerability struct {
		UUID     string `json:"uuid"`
		Source   string `json:"source"`
		VulnID   string `json:"vulnId"`
		Severity string `json:"severity"`
	} `json:"vulnerability"`
	Analysis struct {
		State        string `json:"state"`
		IsSuppressed bool   `json:"isSuppressed"`
	} `json:"analysis"`
}

// Severity returns the finding's severity; an unknown name counts as
// unassigned.
func (f Finding) Severity() Severity {
	s, err := ParseSeverity(f.Vulnerability.Severity)
	if err != nil {
		return SeverityUnassigned
	}
	return s
}

// Findings returns the project's unsuppressed findings
// (GET /api/v1/finding/project/{uuid}; the key needs VIEW_VULNERABILITY).
func (c *Client) Findings(ctx context.Context, projectUUID string) ([]Finding, error) {
	if !IsUUID(projectUUID) {
		return nil, fmt.Errorf("%s: project %q is not a UUID", OpFindings, projectUUID)
	}
	var out []Finding
	r := request{op: OpFindings, method: http.MethodGet, path: "/api/v1/finding/project/" + url.PathEscape(projectUUID),
		query: url.Values{"suppressed": {"false"}}}
	if _, err := c.do(ctx, r, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// SeverityCounts counts findings per severity, indexed by Severity.
type SeverityCounts [len(severityNames)]int

// Count tallies the unsuppressed findings by severity.
func Count(findings []Finding) SeverityCounts {
	var c SeverityCounts
	for _, f := range findings {
		if f.Analysis.IsSuppressed {
			continue
		}
		c[f.Severity()]++
	}
	return c
}

// Total is the number of findings counted.
func (c SeverityCounts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

// AtLeast is the number of findings of severity min or higher.
func (c SeverityCounts) AtLeast(min Severity) int {
	n := 0
	for s := min; int(s) < len(c); s++ {
		if s >= 0 {
			n += c[s]
		}
	}
	return n
}

// String lists the counts from critical down, e.g.
// "critical 0, high 2, medium 1, low 0, info 0, unassigned 0".
func (c SeverityCounts) String() string {
	parts := make([]string, 0, len(c))
	for s := SeverityCritical; s >= SeverityUnassigned; s-- {
		parts = append(parts, fmt.Sprintf("%s %d", s, c[s]))
	}
	return strings.Join(parts, ", ")
}
