package sbom

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

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

// unclassifiedCalls aggregates the unclassified observations by host,
// method, URL and status, sorted by those fields.
func unclassifiedCalls(obs []observation) []UnclassifiedCall {
	type key struct {
		host, method, url string
		status            int
	}
	byKey := make(map[key]*UnclassifiedCall)
	var calls []*UnclassifiedCall
	for i := range obs {
		o := &obs[i]
		if !o.unclassified() {
			continue
		}
		k := key{o.x.Host, o.x.Method, o.x.URL, o.x.Status}
		c := byKey[k]
		if c == nil {
			c = &UnclassifiedCall{Host: k.host, Method: k.method, URL: k.url, Status: k.status}
			byKey[k] = c
			calls = append(calls, c)
		}
		c.Count++
		c.Bytes += o.x.Bytes
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

// services renders the unclassified observations as one CycloneDX service
// per host, sorted by host.
func services(obs []observation) []cdx.Service {
	type host struct {
		name          string
		endpoints     []string
		methods       []string
		statuses      []int
		requests      int
		bytes         int64
		authenticated bool
		transparent   bool
	}
	byName := make(map[string]*host)
	var hosts []*host
	for i := range obs {
		o := &obs[i]
		if !o.unclassified() {
			continue
		}
		h := byName[o.x.Host]
		if h == nil {
			h = &host{name: o.x.Host}
			byName[o.x.Host] = h
			hosts = append(hosts, h)
		}
		h.endpoints = appendUnique(h.endpoints, o.x.URL)
		h.methods = appendUnique(h.methods, o.x.Method)
		if !slices.Contains(h.statuses, o.x.Status) {
			h.statuses = append(h.statuses, o.x.Status)
		}
		h.requests++
		h.bytes += o.x.Bytes
		h.authenticated = h.authenticated || o.x.Authenticated
		h.transparent = h.transparent || o.x.Transparent
	}
	slices.SortFunc(hosts, func(a, b *host) int { return strings.Compare(a.name, b.name) })
	out := make([]cdx.Service, 0, len(hosts))
	for _, h := range hosts {
		slices.Sort(h.endpoints)
		slices.Sort(h.methods)
		slices.Sort(h.statuses)
		props := []cdx.Property{
			prop(PropRequests, strconv.Itoa(h.requests)),
			prop(PropBytes, strconv.FormatInt(h.bytes, 10)),
		}
		for _, m := range h.methods {
			props = append(props, prop(PropHTTPMethod, m))
		}
		for _, s := range h.statuses {
			props = append(props, prop(PropHTTPStatus, strconv.Itoa(s)))
		}
		if h.transparent {
			props = append(props, prop(PropTransparent, "true"))
		}
		endpoints := h.endpoints
		out = append(out, cdx.Service{
			Name:                 h.name,
			Endpoints:            &endpoints,
			Authenticated:        cdx.Bool(h.authenticated),
			CrossesTrustBoundary: cdx.Bool(true),
			Data: &[]cdx.DataClassification{{
				Flow:           cdx.DataFlowOutbound,
				Classification: "unknown",
			}},
			Properties: propsOrNil(props),
		})
	}
	return out
}
