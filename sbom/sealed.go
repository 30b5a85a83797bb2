package sbom

import (
	"slices"
	"strconv"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/capture"
)

// Properties of a sealed build.
const (
	// PropSealed is "true" in the metadata of a sealed build: every
	// connection the build attempted is in the SBOM.
	PropSealed = "depaudit:sealed"
	// PropTransparent is "true" on a component or service reached around
	// the proxy (a client that ignored the proxy variables).
	PropTransparent = "depaudit:transparent"
	// PropBlocked and PropRelayed are "true" on a service a sealed build
	// tried to reach that was refused, or relayed by an allow rule.
	PropBlocked = "depaudit:blocked"
	PropRelayed = "depaudit:relayed"
	// PropProtocol is a connection's transport and what was seen of its
	// protocol ("tcp/ssh", "udp").
	PropProtocol = "depaudit:protocol"
	// PropAddress is the address a connection went to, when a name led to it.
	PropAddress = "depaudit:address"
	// PropAttempts counts the connections to one destination.
	PropAttempts = "depaudit:attempts"
	// PropReason says why connections were blocked, or which rule relayed them.
	PropReason = "depaudit:reason"
	// PropBytesOut and PropBytesIn are the bytes a relayed connection
	// carried from the build and back to it; PropDurationMS how long the
	// relayed connections lasted in all.
	PropBytesOut   = "depaudit:bytes-out"
	PropBytesIn    = "depaudit:bytes-in"
	PropDurationMS = "depaudit:duration-ms"
)

// connectionServices renders a sealed build's blocked and relayed
// connections as services, one per action, protocol and destination,
// sorted (audit.Summary lists them in the same order).
func connectionServices(conns []capture.Connection) []cdx.Service {
	type dest struct {
		action, proto, target, name, addr string
		reasons                           []string
		attempts                          int
		out, in                           int64
		ms                                float64
	}
	byKey := map[string]*dest{}
	var dests []*dest
	for _, c := range conns {
		target := c.Target()
		k := c.Action + " " + c.Protocol + " " + target
		d := byKey[k]
		if d == nil {
			d = &dest{action: c.Action, proto: c.Protocol, target: target, name: c.Name, addr: c.Dest}
			byKey[k] = d
			dests = append(dests, d)
		}
		d.attempts++
		d.out += c.BytesOut
		d.in += c.BytesIn
		d.ms += c.DurationMS
		reason := c.Reason
		if c.Error != "" {
			reason += " (" + c.Error + ")"
		}
		if !slices.Contains(d.reasons, reason) {
			d.reasons = append(d.reasons, reason)
		}
	}
	slices.SortFunc(dests, func(a, b *dest) int {
		return strings.Compare(a.action+" "+a.target+" "+a.proto, b.action+" "+b.target+" "+b.proto)
	})
	out := make([]cdx.Service, 0, len(dests))
	for _, d := range dests {
		props := []cdx.Property{prop(PropProtocol, d.proto), prop(PropAttempts, strconv.Itoa(d.attempts))}
		if d.name != "" {
			props = append(props, prop(PropAddress, d.addr))
		}
		switch d.action {
		case capture.ConnBlocked:
			props = append(props, prop(PropBlocked, "true"))
		case capture.ConnRelayed:
			props = append(props, prop(PropRelayed, "true"),
				prop(PropBytesOut, strconv.FormatInt(d.out, 10)), prop(PropBytesIn, strconv.FormatInt(d.in, 10)),
				prop(PropDurationMS, strconv.FormatFloat(d.ms, 'f', 3, 64)))
		}
		slices.Sort(d.reasons)
		for _, r := range d.reasons {
			if r != "" {
				props = append(props, prop(PropReason, r))
			}
		}
		scheme := d.proto
		if i := strings.IndexByte(scheme, '/'); i >= 0 {
			scheme = scheme[i+1:]
		}
		endpoints := []string{scheme + "://" + d.target}
		out = append(out, cdx.Service{
			Name:                 d.target,
			Endpoints:            &endpoints,
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
