// Package observe turns the exchanges of a capture log into observations:
// each exchange with the finding it is attributed to. It is the only place
// that classifies recorded exchanges and follows redirects; verification,
// policy and the SBOM all judge the same observations, so that one
// download never gets two answers.
package observe

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// Classifier is what Attribute needs of the classifiers: a finding for
// every request, KindUnclassified when nothing recognises it
// (classify.Set implements it).
type Classifier interface {
	Classify(classify.Request) classify.Finding
}

// Observation is one exchange with the finding it is attributed to.
type Observation struct {
	// Exchange is the recorded exchange; it is shared with the log and
	// never modified.
	Exchange *capture.Exchange
	// Finding is the effective finding: the exchange's own, or the one
	// inherited from the classified redirect that led to it. Its URL is
	// always the exchange's. A CONNECT tunnel is KindUnclassified.
	Finding classify.Finding
	// RedirectedFrom is the URL of the first exchange of the classified
	// redirect chain that led here, when Finding came from it or names the
	// same purl; "" otherwise.
	RedirectedFrom string
	// Inherited reports that Finding is the one of the redirect that led
	// here, the exchange's own saying less.
	Inherited bool
	// Via are the URLs whose redirects led here, classified or not, the
	// nearest first.
	Via []string
}

// Tunnel reports whether the observation is a CONNECT that carried no
// request.
func (o *Observation) Tunnel() bool { return o.Exchange.Method == http.MethodConnect }

// Unclassified reports whether the call is among the unclassified calls:
// nothing recognised it, or it is a generic download from an unknown host.
func (o *Observation) Unclassified() bool {
	return !o.Tunnel() && (o.Finding.Kind == classify.KindUnclassified || o.Finding.Ecosystem == classify.EcosystemGeneric)
}

// maxRedirects bounds the redirect targets remembered for Via.
const maxRedirects = 1 << 16

// redirectSource is a classified redirect waiting for its target.
type redirectSource struct {
	f      classify.Finding
	origin string
}

// Attribute classifies the exchanges xs with c in the order they started
// (by ID) and returns one observation per exchange in that order, except
// for the requests the proxy refused for want of its credential: those are
// left out, and the ones to a host the client never reached with the
// credential are returned as refused (the others are the normal
// challenge-and-retry of clients such as git). It is an Attributor over
// a log held in memory.
func Attribute(xs []capture.Exchange, c Classifier) (obs []Observation, refused []*capture.Exchange) {
	reached := make(map[string]bool)
	for i := range xs {
		if !xs[i].ProxyAuthRefused() {
			reached[xs[i].Host] = true
		}
	}
	order := make([]*capture.Exchange, len(xs))
	for i := range xs {
		order[i] = &xs[i]
	}
	slices.SortStableFunc(order, func(a, b *capture.Exchange) int { return cmp.Compare(a.ID, b.ID) })
	a := NewAttributor(c, func(host string) bool { return reached[host] })
	obs = make([]Observation, 0, len(order))
	for _, x := range order {
		switch o, st := a.Observe(x); st {
		case Observed:
			obs = append(obs, o)
		case Refused:
			refused = append(refused, x)
		}
	}
	return obs, refused
}

// Status says what an Attributor made of an exchange.
type Status int

const (
	// Observed: the exchange is an observation.
	Observed Status = iota
	// Refused: a request the proxy refused for want of its credential, to
	// a host the client never reached with it.
	Refused
	// Challenged: a request the proxy refused for want of its credential
	// that the client then made with it (challenge and retry): not an
	// observation.
	Challenged
)

// Attributor attributes the exchanges of a log one at a time, which must
// be given in the order they started (by ID, the order of Attribute): it
// remembers the classified redirects seen so far, not the exchanges, so
// a log of any length can be read through it.
//
// The target of a classified 3xx redirect takes the redirecting request's
// finding when its own says less (unclassified, or a generic download).
// Targets are matched by urlkey.Key, so that another query order, a
// default port or a query that differs alone (redaction, signatures) do
// not break the link; a relative Location is resolved against the URL
// that sent it, and chains are followed: each hop passes on the finding it
// got.
type Attributor struct {
	c       Classifier
	reached func(host string) bool
	// redirects are the classified redirects by target, via the URLs that
	// redirected to each target (at most maxRedirects).
	redirects map[string]redirectSource
	via       map[string][]string
}

// NewAttributor returns an Attributor classifying with c; reached reports
// whether the build reached a host with the proxy's credential (some
// exchange to it was not refused for want of it).
func NewAttributor(c Classifier, reached func(host string) bool) *Attributor {
	return &Attributor{c: c, reached: reached, redirects: make(map[string]redirectSource), via: make(map[string][]string)}
}

// Observe attributes the next exchange x. The observation is valid only
// when the status is Observed; it shares x.
func (a *Attributor) Observe(x *capture.Exchange) (Observation, Status) {
	if x.ProxyAuthRefused() {
		if a.reached(x.Host) {
			return Observation{}, Challenged
		}
		return Observation{}, Refused
	}
	o := Observation{Exchange: x}
	if o.Tunnel() {
		o.Finding = classify.Finding{URL: x.URL, Kind: classify.KindUnclassified}
		return o, Observed
	}
	o.Finding = classifySafely(a.c, x)
	if o.Finding.Kind == "" {
		o.Finding.Kind = classify.KindUnclassified
	}
	o.Finding.URL = x.URL
	key := urlkey.Key(x.URL)
	o.Via = a.via[key]
	if src, ok := a.redirects[key]; ok {
		switch {
		case Inherits(o.Finding, src.f):
			failure := o.Finding.Error
			o.Finding = src.f
			o.Finding.URL = x.URL
			o.Finding.Error = failure
			o.RedirectedFrom = src.origin
			o.Inherited = true
		case o.Finding.PURL != "" && o.Finding.PURL == src.f.PURL:
			o.RedirectedFrom = src.origin
		}
	}
	if x.Status >= 300 && x.Status < 400 && x.Location != "" {
		if target := urlkey.Key(urlkey.Resolve(x.URL, x.Location)); target != "" {
			if _, seen := a.via[target]; !seen && target != key && len(a.via) < maxRedirects {
				a.via[target] = append([]string{x.URL}, o.Via...)
			}
			if o.Finding.Kind != classify.KindUnclassified {
				a.redirects[target] = redirectSource{f: o.Finding, origin: cmp.Or(o.RedirectedFrom, x.URL)}
			}
		}
	}
	return o, Observed
}

// classifySafely classifies one exchange; a classifier that panics leaves
// the exchange unclassified with the failure in the finding's Error, so one
// bad classifier never takes the record of the build down.
func classifySafely(c Classifier, x *capture.Exchange) (f classify.Finding) {
	defer func() {
		if v := recover(); v != nil {
			f = classify.Finding{URL: x.URL, Kind: classify.KindUnclassified,
				Error: fmt.Sprintf("classifying %s failed: %v", x.URL, v)}
		}
	}()
	return c.Classify(classify.Request{
		Method:      x.Method,
		URL:         x.URL,
		Status:      x.Status,
		ContentType: x.ContentType,
		Location:    x.Location,
	})
}

// Inherits reports whether a request whose own finding is own takes the
// finding from of the redirect that led to it: from is classified, and own
// says less (unclassified, or a generic download where from is not).
func Inherits(own, from classify.Finding) bool {
	if from.Kind == classify.KindUnclassified {
		return false
	}
	if own.Kind == classify.KindUnclassified {
		return true
	}
	return own.Ecosystem == classify.EcosystemGeneric && from.Ecosystem != classify.EcosystemGeneric
}
