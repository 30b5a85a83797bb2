package audit

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/depaudit/depaudit/observe"
	"github.com/depaudit/depaudit/rules"
)

// Service is one host of the unclassified calls: what the build asked of a
// host that is no known package registry, or downloaded from it.
type Service struct {
	// Name is the host, as capture.Exchange.Host names it.
	Name string
	// Endpoints are the distinct URLs called, sorted.
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

// unclassifiedCalls aggregates the unclassified observations by host,
// method, URL and status, sorted by those fields.
func unclassifiedCalls(obs []observe.Observation) []UnclassifiedCall {
	type key struct {
		host, method, url string
		status            int
	}
	byKey := make(map[key]*UnclassifiedCall)
	var calls []*UnclassifiedCall
	for i := range obs {
		o := &obs[i]
		if !o.Unclassified() {
			continue
		}
		x := o.Exchange
		k := key{x.Host, x.Method, x.URL, x.Status}
		c := byKey[k]
		if c == nil {
			c = &UnclassifiedCall{Host: k.host, Method: k.method, URL: k.url, Status: k.status}
			byKey[k] = c
			calls = append(calls, c)
		}
		c.Count++
		c.Bytes += x.Bytes
	}
	slices.SortFunc(calls, func(a, b *UnclassifiedCall) int {
		return cmp.Or(
			strings.Compare(a.Host, b.Host),
			strings.Compare(a.URL, b.URL),
			strings.Compare(a.Method, b.Method),
			cmp.Compare(a.Status, b.Status),
		)
	})
	out := make([]UnclassifiedCall, len(calls))
	for i, c := range calls {
		out[i] = *c
	}
	return out
}

// services gathers the unclassified observations, and the failed requests
// of any kind (a download that failed is no component), by host, sorted by
// host.
func services(obs []observe.Observation) []*Service {
	byName := make(map[string]*Service)
	seen := uniques{}
	var out []*Service
	for i := range obs {
		o := &obs[i]
		if !o.Unclassified() && (o.Exchange.Error == "" || o.Tunnel()) {
			continue
		}
		x := o.Exchange
		s := byName[x.Host]
		if s == nil {
			s = &Service{Name: x.Host}
			byName[x.Host] = s
			out = append(out, s)
		}
		seen.add(&s.Endpoints, x.URL)
		seen.add(&s.Methods, x.Method)
		if !slices.Contains(s.Statuses, x.Status) {
			s.Statuses = append(s.Statuses, x.Status)
		}
		s.Requests++
		s.Bytes += x.Bytes
		s.Authenticated = s.Authenticated || x.Authenticated
		s.Transparent = s.Transparent || x.Transparent
		if x.Error != "" {
			seen.add(&s.Errors, x.URL+": "+x.Error)
		}
	}
	slices.SortFunc(out, func(a, b *Service) int { return strings.Compare(a.Name, b.Name) })
	for _, s := range out {
		slices.Sort(s.Endpoints)
		slices.Sort(s.Methods)
		slices.Sort(s.Statuses)
		slices.Sort(s.Errors)
	}
	return out
}
