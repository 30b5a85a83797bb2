package audit

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"

	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/observe"
	"github.com/depaudit/depaudit/rules"
)

// Service roles: what the build used a host for, beside the artifacts it
// downloaded from it (those are components).
const (
	// RoleRegistryMetadata: a package registry's indexes, packuments,
	// version lists, checksum files.
	RoleRegistryMetadata = "registry-metadata"
	// RoleRegistryAPI: another endpoint of a known registry (tokens,
	// search, audit, login).
	RoleRegistryAPI = "registry-api"
	// RoleVCS: a version-control repository fetched over git's smart-HTTP
	// protocol (a clone, the go command's direct mode).
	RoleVCS = "vcs"
	// RoleUnclassified: calls no classifier recognised, and downloads
	// from hosts that are no known registry.
	RoleUnclassified = "unclassified"
	// RoleFailedDownload: a download that failed (no component came of it).
	RoleFailedDownload = "failed-download"
	// RoleTunnel: a tunnel that failed before any request (a refused
	// certificate, a handshake that timed out).
	RoleTunnel = "tunnel"
)

// Service is one host the build used for something other than the
// artifacts it downloaded whole: a registry's metadata or API, a git
// repository, unclassified calls, failed downloads. Every host the build
// contacted is a service, a component's download location, or both.
type Service struct {
	// Name is the host, as capture.Exchange.Host names it.
	Name string
	// Roles are what the build used the host for (Role*), sorted.
	Roles []string
	// Endpoints are the distinct URLs called, sorted: in full for
	// unclassified calls and failures, the repository for git, and the
	// origin alone (scheme://host/) for a registry's metadata and API.
	Endpoints []string
	// Methods are the distinct HTTP methods used, sorted.
	Methods []string
	// Statuses are the distinct response statuses, sorted.
	Statuses []int
	// Requests counts the calls; Bytes totals the response bodies.
	Requests int
	Bytes    int64
	// Authenticated reports that a call carried credentials.
	Authenticated bool
	// Transparent reports that a call came around the proxy (a sealed
	// build).
	Transparent bool
	// Errors are the distinct failures of calls, "URL: error" (the URL
	// with credentials redacted, as recorded), sorted.
	Errors []string
	// Violations are the policy violations about requests to this host,
	// in the order of Report.Violations.
	Violations []rules.Violation
}

// UnclassifiedCall is one line of the unclassified calls list: the requests
// with the same host, method, URL and status, which no classifier
// recognised or which downloaded something from an unknown host.
type UnclassifiedCall struct {
	Host   string `json:"host"`
	Method string `json:"method"`
	// URL is the request URL, credentials redacted.
	URL    string `json:"url"`
	Status int    `json:"status"`
	// Bytes is the total of response body bytes over Count requests.
	Bytes int64 `json:"bytes"`
	Count int   `json:"count"`
}

// WriteUnclassified writes calls as an indented JSON array of objects
// {host, method, url, status, bytes, count}; an empty list is written as [].
func WriteUnclassified(w io.Writer, calls []UnclassifiedCall) error {
	if calls == nil {
		calls = []UnclassifiedCall{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(calls); err != nil {
		return fmt.Errorf("write unclassified calls: %w", err)
	}
	return nil
}

// unclassifiedSet aggregates the unclassified observations by host,
// method, URL and status.
type unclassifiedSet struct {
	byKey map[unclassifiedKey]*UnclassifiedCall
	calls []*UnclassifiedCall
}

type unclassifiedKey struct {
	host, method, url string
	status            int
}

func newUnclassifiedSet() *unclassifiedSet {
	return &unclassifiedSet{byKey: make(map[unclassifiedKey]*UnclassifiedCall)}
}

// add counts one observation.
func (u *unclassifiedSet) add(o *observe.Observation) {
	if !o.Unclassified() {
		return
	}
	x := o.Exchange
	k := unclassifiedKey{x.Host, x.Method, x.URL, x.Status}
	c := u.byKey[k]
	if c == nil {
		c = &UnclassifiedCall{Host: k.host, Method: k.method, URL: k.url, Status: k.status}
		u.byKey[k] = c
		u.calls = append(u.calls, c)
	}
	c.Count++
	c.Bytes += x.Bytes
}

// finish returns the calls sorted by host, URL, method and status.
func (u *unclassifiedSet) finish() []UnclassifiedCall {
	slices.SortFunc(u.calls, func(a, b *UnclassifiedCall) int {
		return cmp.Or(
			strings.Compare(a.Host, b.Host),
			strings.Compare(a.URL, b.URL),
			strings.Compare(a.Method, b.Method),
			cmp.Compare(a.Status, b.Status),
		)
	})
	out := make([]UnclassifiedCall, len(u.calls))
	for i, c := range u.calls {
		out[i] = *c
	}
	return out
}

// role returns what observation o says of its host, "" when its host is
// no service for it (an artifact downloaded whole).
func role(o *observe.Observation) string {
	switch {
	case o.Tunnel():
		if o.Exchange.Error != "" {
			return RoleTunnel
		}
		return ""
	case o.Unclassified():
		return RoleUnclassified
	case o.Finding.Ecosystem == classify.EcosystemGit:
		return RoleVCS
	case o.Finding.Kind == classify.KindMetadata || o.Finding.Kind == classify.KindSidecar:
		return RoleRegistryMetadata
	case o.Finding.Kind == classify.KindAPI:
		return RoleRegistryAPI
	case o.Exchange.Error != "":
		return RoleFailedDownload
	}
	return ""
}

// endpoint is the URL a service lists for o in role.
func endpoint(o *observe.Observation, role string) string {
	switch role {
	case RoleVCS:
		if repo := classify.GitRepository(o.Exchange.URL); repo != "" {
			return repo
		}
	case RoleRegistryMetadata, RoleRegistryAPI:
		if u, err := url.Parse(o.Exchange.URL); err == nil && u.Host != "" {
			return u.Scheme + "://" + u.Host + "/"
		}
	}
	return o.Exchange.URL
}

// serviceSet gathers, by host, every observation that is not an artifact
// downloaded whole (see role).
type serviceSet struct {
	byName map[string]*Service
	seen   uniques
	out    []*Service
}

func newServiceSet() *serviceSet {
	return &serviceSet{byName: make(map[string]*Service), seen: uniques{}}
}

// add gathers one observation.
func (ss *serviceSet) add(o *observe.Observation) {
	r := role(o)
	if r == "" {
		return
	}
	x := o.Exchange
	s := ss.byName[x.Host]
	if s == nil {
		s = &Service{Name: x.Host}
		ss.byName[x.Host] = s
		ss.out = append(ss.out, s)
	}
	ss.seen.add(&s.Roles, r)
	ss.seen.add(&s.Endpoints, endpoint(o, r))
	ss.seen.add(&s.Methods, x.Method)
	if !slices.Contains(s.Statuses, x.Status) {
		s.Statuses = append(s.Statuses, x.Status)
	}
	s.Requests++
	s.Bytes += x.Bytes
	s.Authenticated = s.Authenticated || x.Authenticated
	s.Transparent = s.Transparent || x.Transparent
	if x.Error != "" {
		ss.seen.add(&s.Errors, x.URL+": "+x.Error)
	}
}

// finish returns the services sorted by host, each list sorted.
func (ss *serviceSet) finish() []*Service {
	out := ss.out
	slices.SortFunc(out, func(a, b *Service) int { return strings.Compare(a.Name, b.Name) })
	for _, s := range out {
		slices.Sort(s.Roles)
		slices.Sort(s.Endpoints)
		slices.Sort(s.Methods)
		slices.Sort(s.Statuses)
		slices.Sort(s.Errors)
	}
	return out
}
