package capture

import (
	"errors"
	"fmt"
)

// The proxy calls code it does not own (the policy's gate, the body
// inspectors): a panic there must not take an exchange's record with it,
// nor leave the exchange counted as in flight, which would hold Close, and
// the build, forever. These wrappers turn such a panic into an error.

// gate asks the policy about x. A gate that fails denies the request (the
// policy could not say it is allowed) and says why.
func (p *Proxy) gate(x *Exchange) (denial string) {
	if p.cfg.Gate == nil {
		return ""
	}
	defer func() {
		if v := recover(); v != nil {
			denial = fmt.Sprintf("the policy check failed (%v)", v)
		}
	}()
	return p.cfg.Gate(x)
}

// hashes returns the digests beyond SHA-256 that x's body gets; a choice
// that fails gets them all.
func (p *Proxy) hashes(x *Exchange) (hs Hashes) {
	if p.cfg.Hashes == nil {
		return AllHashes
	}
	defer func() {
		if v := recover(); v != nil {
			hs = AllHashes
			p.warnf("choosing the digests of %s failed: %v", x.URL, v)
		}
	}()
	return p.cfg.Hashes(x)
}

// inspector returns the body inspector for x, nil when there is none or
// when choosing it failed; an inspector's own failures end its inspection.
func (p *Proxy) inspector(x *Exchange) (bi BodyInspector) {
	if p.cfg.Inspect == nil {
		return nil
	}
	defer func() {
		if v := recover(); v != nil {
			bi = nil
			p.warnf("inspecting %s failed: %v", x.URL, v)
		}
	}()
	if bi = p.cfg.Inspect(x); bi == nil {
		return nil
	}
	return &guardedInspector{bi: bi, p: p, url: x.URL}
}

// guardedInspector passes the body to an inspector, which a panic stops.
type guardedInspector struct {
	bi     BodyInspector
	p      *Proxy
	url    string
	failed bool
}

func (g *guardedInspector) fail(v any) {
	g.failed = true
	g.p.warnf("inspecting %s failed: %v", g.url, v)
}

// Write implements BodyInspector.
func (g *guardedInspector) Write(b []byte) (n int, err error) {
	if g.failed {
		return 0, errInspectorFailed
	}
	defer func() {
		if v := recover(); v != nil {
			g.fail(v)
			n, err = 0, errInspectorFailed
		}
	}()
	return g.bi.Write(b)
}

// Finish implements BodyInspector; a failed inspection records no digest.
func (g *guardedInspector) Finish(complete bool) (ds []Digest) {
	if g.failed {
		return nil
	}
	defer func() {
		if v := recover(); v != nil {
			g.fail(v)
			ds = nil
		}
	}()
	return g.bi.Finish(complete)
}

// errInspectorFailed stops an inspection that panicked.
var errInspectorFailed = errors.New("body inspector failed")

// warnf passes a diagnostic to the configured Warnf, if any.
func (p *Proxy) warnf(format string, args ...any) {
	if p.cfg.Warnf != nil {
		p.cfg.Warnf(format, args...)
	}
}
