package sbom

import (
	"crypto/rand"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/capture"
)

// Options are the facts of a build that the capture log does not hold.
type Options struct {
	// ProjectName and ProjectVersion describe the built project
	// (metadata.component); the name defaults to the base name of the
	// directory the build ran in.
	ProjectName    string
	ProjectVersion string
	// ToolVersion is depaudit's own version (metadata.tools).
	ToolVersion string
	// SerialNumber fixes the BOM's serial number ("urn:uuid:…"); empty
	// means a random one. Only tests fix it.
	SerialNumber string
	// Timestamp fixes metadata.timestamp; the zero value means now.
	Timestamp time.Time
	// Verify, when set, gives each component's verification properties.
	Verify VerifyFunc
}

// Result is what Assemble makes of a capture log.
type Result struct {
	// BOM is the CycloneDX SBOM, spec version 1.6.
	BOM *cdx.BOM
	// Unclassified lists the calls no classifier recognised and the
	// generic downloads, aggregated by host, method, URL and status.
	Unclassified []UnclassifiedCall
	// Warnings are one-line messages about things that went wrong or need
	// a human's attention, in a deterministic order.
	Warnings []string
	// Summary holds the figures of the build.
	Summary Summary
}

// The JSON schema and XML namespace of CycloneDX 1.6, the version Assemble
// builds; Encode converts to the version asked for.
const (
	jsonSchema16   = "http://cyclonedx.org/schema/bom-1.6.schema.json"
	xmlNamespace16 = "http://cyclonedx.org/schema/bom/1.6"
)

var serialNumberRE = regexp.MustCompile(`^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Assemble builds the SBOM of the build recorded in l, classifying each
// exchange with c. Only complete 2xx downloads of artifacts with a SHA-256
// become components; everything else that went wrong is counted and warned
// about. The BOM depends only on l and opts, except for a random serial
// number and the current time when opts leaves them unset.
func Assemble(l *capture.Log, c Classifier, opts Options) (*Result, error) {
	if l == nil {
		return nil, errors.New("assemble SBOM: no capture log")
	}
	if c == nil {
		return nil, errors.New("assemble SBOM: no classifier")
	}
	serial := opts.SerialNumber
	if serial == "" {
		serial = newSerialNumber()
	} else if !serialNumberRE.MatchString(serial) {
		return nil, fmt.Errorf("assemble SBOM: serial number %q is not a lower-case urn:uuid", serial)
	}
	ts := opts.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}

	res := &Result{Summary: Summary{Packages: make(map[string]int), Truncated: l.Truncated()}}
	if l.Damage != "" {
		res.Warnings = append(res.Warnings, fmt.Sprintf("capture log damaged: %d line(s) skipped (first: %s); the SBOM covers the %d exchanges read around them", l.DamagedLines, l.Damage, len(l.Exchanges)))
	} else if l.Trailer == nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf("capture log has no trailer (the run did not finish): the SBOM covers the %d exchanges recorded", len(l.Exchanges)))
	}

	exchanges, refusals := splitRefusals(l.Exchanges)
	res.Warnings = append(res.Warnings, refusalWarnings(refusals)...)
	res.Summary.Requests += len(refusals)
	res.Summary.Failures += len(refusals)
	obs := resolve(exchanges, c)
	res.Warnings = append(res.Warnings, classifyWarnings(obs)...)
	arts, warnings := artifacts(obs, &res.Summary)
	res.Warnings = append(res.Warnings, warnings...)
	summarize(obs, &res.Summary)
	res.Warnings = append(res.Warnings, tunnelWarnings(obs)...)

	comps := make([]cdx.Component, 0, len(arts))
	for _, a := range arts {
		comps = append(comps, a.component())
		res.Summary.Packages[a.f.Ecosystem]++
	}
	res.Summary.Components = len(comps)
	annotateVerification(comps, opts.Verify)
	comps = nestParts(comps, arts)
	svcs := append(services(obs), connectionServices(l.Connections, &res.Summary)...)
	res.Unclassified = unclassifiedCalls(obs)

	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	bom.JSONSchema = jsonSchema16
	bom.XMLNS = xmlNamespace16
	bom.SerialNumber = serial
	bom.Metadata = metadata(l, opts, ts)
	if len(comps) > 0 {
		bom.Components = &comps
	}
	if len(svcs) > 0 {
		bom.Services = &svcs
	}
	res.BOM = bom
	return res, nil
}

// splitRefusals separates the requests the proxy refused for want of its
// credential, when the client never got through to that host, from the
// rest. Refusals followed by authenticated exchanges with the same host
// are the normal challenge-and-retry of clients such as git, and dropped.
func splitRefusals(xs []capture.Exchange) (kept, refused []capture.Exchange) {
	reached := make(map[string]bool)
	for i := range xs {
		if !xs[i].ProxyAuthRefused() {
			reached[xs[i].Host] = true
		}
	}
	kept = make([]capture.Exchange, 0, len(xs))
	for _, x := range xs {
		switch {
		case !x.ProxyAuthRefused():
			kept = append(kept, x)
		case !reached[x.Host]:
			refused = append(refused, x)
		}
	}
	return kept, refused
}

// refusalWarnings names, per host, the requests a client in the build could
// not make because it did not send depaudit's proxy credential.
func refusalWarnings(refused []capture.Exchange) []string {
	counts := make(map[string]int)
	var hosts []string
	for _, x := range refused {
		if counts[x.Host] == 0 {
			hosts = append(hosts, x.Host)
		}
		counts[x.Host]++
	}
	slices.Sort(hosts)
	out := make([]string, 0, len(hosts))
	for _, h := range hosts {
		out = append(out, fmt.Sprintf("%d request(s) to %s refused: the client did not send depaudit's proxy credential and never reached %s (a tool with its own proxy settings?)", counts[h], h, h))
	}
	return out
}

// classifyWarnings reports each exchange a classifier failed on: the
// exchange is kept with what the other classifiers made of it.
func classifyWarnings(obs []observation) []string {
	var out []string
	for i := range obs {
		if e := obs[i].f.Error; e != "" {
			out = append(out, "classifier failure (the request is kept as "+string(obs[i].f.Kind)+"): "+e)
		}
	}
	return out
}

// tunnelWarnings reports, per host and error, the CONNECT tunnels that
// ended in an error (a failed TLS handshake with the client, or a tunnel
// the proxy refused), in the order they were first seen.
func tunnelWarnings(obs []observation) []string {
	type failure struct {
		host, err string
		n         int
	}
	var order []*failure
	byKey := make(map[[2]string]*failure)
	for i := range obs {
		o := &obs[i]
		if !o.tunnel() || o.x.Error == "" {
			continue
		}
		k := [2]string{o.x.Host, o.x.Error}
		f := byKey[k]
		if f == nil {
			f = &failure{host: o.x.Host, err: o.x.Error}
			byKey[k] = f
			order = append(order, f)
		}
		f.n++
	}
	out := make([]string, 0, len(order))
	for _, f := range order {
		times := "once"
		if f.n > 1 {
			times = fmt.Sprintf("%d times", f.n)
		}
		out = append(out, fmt.Sprintf("CONNECT to %s failed (%s): %s", f.host, times, f.err))
	}
	return out
}

// newSerialNumber returns a random (version 4) UUID URN.
func newSerialNumber() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
