package sbom

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// Classifier is what Assemble needs of the classifiers: a finding for every
// request, KindUnclassified when nothing recognises it.
type Classifier interface {
	Classify(classify.Request) classify.Finding
}

// ecosystemGeneric is the ecosystem of downloads from unknown hosts.
const ecosystemGeneric = "generic"

// observation is one exchange with the finding it is attributed to.
type observation struct {
	x *capture.Exchange
	// f is the effective finding: the exchange's own, or the one inherited
	// from the redirect that led to it.
	f classify.Finding
	// redirectedFrom is the URL of the first exchange of the classified
	// redirect chain that led here, when f came from it or names the same
	// purl; empty otherwise.
	redirectedFrom string
}

// tunnel reports whether the observation is a CONNECT that carried no request.
func (o *observation) tunnel() bool { return o.x.Method == http.MethodConnect }

// unclassified reports whether the call goes among the unclassified calls:
// nothing recognised it, or it is a generic download from an unknown host.
func (o *observation) unclassified() bool {
	return !o.tunnel() && (o.f.Kind == classify.KindUnclassified || o.f.Ecosystem == ecosystemGeneric)
}

// redirectSource is a classified redirect waiting for its target.
type redirectSource struct {
	f      classify.Finding
	origin string
}

// resolve classifies the exchanges in the order they started and attributes
// the target of a classified redirect to the redirecting request's finding
// when the target's own finding says less (unclassified or generic). Chains
// are followed: each hop passes on the finding it got.
func resolve(xs []capture.Exchange, c Classifier) []observation {
	order := make([]*capture.Exchange, len(xs))
	for i := range xs {
		order[i] = &xs[i]
	}
	slices.SortStableFunc(order, func(a, b *capture.Exchange) int { return cmp.Compare(a.ID, b.ID) })

	redirects := make(map[string]redirectSource)
	obs := make([]observation, 0, len(order))
	for _, x := range order {
		o := observation{x: x}
		if o.tunnel() {
			o.f = classify.Finding{URL: x.URL, Kind: classify.KindUnclassified}
			obs = append(obs, o)
			continue
		}
		o.f = classifySafely(c, x)
		if o.f.Kind == "" {
			o.f.Kind = classify.KindUnclassified
		}
		o.f.URL = x.URL
		if src, ok := redirects[urlkey.Key(x.URL)]; ok {
			switch {
			case inherits(o.f, src.f):
				failure := o.f.Error
				o.f = src.f
				o.f.URL = x.URL
				o.f.Error = failure
				o.redirectedFrom = src.origin
			case o.f.PURL != "" && o.f.PURL == src.f.PURL:
				o.redirectedFrom = src.origin
			}
		}
		if x.Status >= 300 && x.Status < 400 && x.Location != "" && o.f.Kind != classify.KindUnclassified {
			origin := o.redirectedFrom
			if origin == "" {
				origin = x.URL
			}
			if target := urlkey.Key(urlkey.Resolve(x.URL, x.Location)); target != "" {
				redirects[target] = redirectSource{f: o.f, origin: origin}
			}
		}
		obs = append(obs, o)
	}
	return obs
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

// inherits reports whether a request whose own finding is own should take
// the finding from of the redirect that led to it.
func inherits(own, from classify.Finding) bool {
	if from.Kind == classify.KindUnclassified {
		return false
	}
	if own.Kind == classify.KindUnclassified {
		return true
	}
	return own.Ecosystem == ecosystemGeneric && from.Ecosystem != ecosystemGeneric
}
