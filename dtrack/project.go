package dtrack

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// Project is the part of a Dependency-Track project depaudit uses.
type Project struct {
	UUID    string `json:"uuid"`
	Name    string `json:"name"`
	Version string `json:"version"`
}

// LookupProject finds a project by name and version
// (GET /api/v1/project/lookup; the key needs VIEW_PORTFOLIO).
func (c *Client) LookupProject(ctx context.Context, name, version string) (Project, error) {
	var p Project
	q := url.Values{"name": {name}, "version": {version}}
	if _, err := c.do(ctx, request{op: OpLookup, method: http.MethodGet, path: "/api/v1/project/lookup", query: q}, &p); err != nil {
		return Project{}, err
	}
	if !IsUUID(p.UUID) {
		return Project{}, &Error{Op: OpLookup, URL: c.base.String() + "/api/v1/project/lookup",
			Summary: fmt.Sprintf("unexpected answer: project without a valid uuid (%q)", shorten(c.scrub(p.UUID), 60)),
			Hint:    "check that --url points at Dependency-Track's API server"}
	}
	return p, nil
}
