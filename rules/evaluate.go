package rules

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/internal/plural"
	"github.com/depaudit/depaudit/observe"
)

// Input is what Evaluate judges: a finished build.
type Input struct {
	// Observations are the build's exchanges, each attributed to its
	// finding (observe.Attribute), in the order they started.
	Observations []observe.Observation
	// HashChanges are the artifacts whose bytes differ from a baseline
	// SBOM's, for policy.hash_changed; nil without a baseline.
	HashChanges []HashChange
	// Connections are a sealed build's connections that were neither TLS
	// nor HTTP (capture.Log.Connections), for policy.bypass.
	Connections []capture.Connection
	// Mismatches are the artifacts whose bytes differ from a digest their
	// registry published, for policy.mismatch.
	Mismatches []Mismatch
}

// Mismatch is one artifact whose bytes differ from a published digest.
type Mismatch struct {
	// Subject names the artifact: its package URL, else its URL.
	Subject string
	// URLs are where the build fetched the bytes.
	URLs []string
}

// HashChange is one artifact whose bytes differ from a baseline's under
// the same identity.
type HashChange struct {
	// PURL is the artifact's package URL, "" when it has none.
	PURL string
	// Key and Version name the artifact when it has no package URL.
	Key, Version string
	// Mutable reports a version whose bytes change by design (a Maven
	// SNAPSHOT).
	Mutable bool
	// NewURLs are where the build fetched the new bytes.
	NewURLs []string
}

// Violation is one rule broken by a build, for one subject (a host, an
// ecosystem or a package URL), with every request that broke it.
type Violation struct {
	// Level is Warn or Deny.
	Level Action `json:"level"`
	// Rule names the rule ("policy.deny.purls[0]", "policy.allow.hosts",
	// "policy.unclassified", "policy.hash_changed", …).
	Rule string `json:"rule"`
	// Pattern is the list entry as written, for rules of the deny lists.
	Pattern string `json:"pattern,omitempty"`
	// Subject is what broke the rule.
	Subject string `json:"subject"`
	// Reason says it in one line.
	Reason string `json:"reason"`
	// Requests counts the requests that broke the rule; 0 for
	// policy.hash_changed, which is about a whole build.
	Requests int `json:"requests"`
	// Blocked counts the requests enforce mode refused.
	Blocked int `json:"blocked,omitempty"`
	// URLs are the distinct URLs of those requests (credentials redacted),
	// sorted.
	URLs []string `json:"urls,omitempty"`
}

// String is the violation in one line:
// `deny: rule policy.deny.purls[0] "pkg:npm/evil-*" matches pkg:npm/evil-pkg (2 requests, 2 refused)`.
func (v Violation) String() string {
	s := string(v.Level) + ": " + v.Reason
	if v.Requests > 0 {
		s += " (" + plural.Count(v.Requests, "request")
		if v.Blocked > 0 {
			s += fmt.Sprintf(", %d refused", v.Blocked)
		}
		s += ")"
	}
	return s
}

// Evaluate returns the violations of a finished build, deny before warn,
// then by rule and subject. Each observation is checked as Check does,
// with the finding it is attributed to (a request a redirect led to is
// judged as the request that redirected); hash changes against a baseline
// are checked against policy.hash_changed. Tunnels that carried no request
// are not judged unless the gate refused them. It is an Evaluation over
// in.Observations.
func (r *Rules) Evaluate(in Input) []Violation {
	e := r.NewEvaluation()
	for i := range in.Observations {
		e.Observe(&in.Observations[i])
	}
	return e.Result(in)
}

// Evaluation judges a build whose observations are given one at a time,
// for a build too large to hold: it keeps the violations, not the
// observations.
type Evaluation struct {
	r     *Rules
	byKey map[violationKey]*violation
}

type violationKey struct{ rule, subject string }

// NewEvaluation starts the evaluation of a build.
func (r *Rules) NewEvaluation() *Evaluation {
	return &Evaluation{r: r, byKey: map[violationKey]*violation{}}
}

// add counts decision d for exchange x (nil: a decision about the build).
func (e *Evaluation) add(d Decision, x *capture.Exchange) *violation {
	k := violationKey{d.Rule, d.Subject}
	v, ok := e.byKey[k]
	if !ok {
		v = &violation{Violation: Violation{Level: d.Level, Rule: d.Rule, Pattern: d.Pattern, Subject: d.Subject, Reason: d.Reason},
			urls: map[string]bool{}}
		e.byKey[k] = v
	}
	if x == nil {
		return v
	}
	v.Requests++
	if x.Denied() {
		v.Blocked++
	}
	v.urls[x.URL] = true
	return v
}

// Observe judges one observation of the build.
func (e *Evaluation) Observe(o *observe.Observation) {
	x := o.Exchange
	if o.Tunnel() && !x.Denied() {
		// A bare CONNECT is a tunnel whose requests, if any, are
		// recorded themselves.
		return
	}
	for _, d := range e.r.Check(x.Host, o.Finding) {
		e.add(d, x)
	}
	if d, ok := e.r.checkTransparent(x); ok {
		e.add(d, x)
	}
}

// Result judges the rest of the build (in's connections, hash changes and
// mismatches; its observations are not read) and returns the violations
// as Evaluate does.
func (e *Evaluation) Result(in Input) []Violation {
	r, add := e.r, e.add
	if r.policy.bypass != Allow {
		for _, c := range in.Connections {
			if c.Action != capture.ConnBlocked {
				continue
			}
			subject := c.Protocol + " " + c.Target()
			v := add(Decision{Level: r.policy.bypass, Rule: "policy.bypass", Subject: subject,
				Reason: fmt.Sprintf("rule policy.bypass %q: the build tried a connection that was neither TLS nor HTTP (%s), blocked", r.policy.bypass, subject)}, nil)
			v.Requests++
		}
	}
	if r.policy.hashChanged != Allow {
		for _, hc := range in.HashChanges {
			level := r.policy.hashChanged
			subject := cmp.Or(hc.PURL, hc.Key+"@"+hc.Version)
			reason := fmt.Sprintf("rule policy.hash_changed %q: %s has other bytes than in the baseline", r.policy.hashChanged, subject)
			if hc.Mutable {
				// A SNAPSHOT's bytes change by design.
				level = Warn
				reason += " (a mutable version)"
			}
			v := add(Decision{Level: level, Rule: "policy.hash_changed", Subject: subject, Reason: reason}, nil)
			for _, u := range hc.NewURLs {
				v.urls[u] = true
			}
		}
	}
	if r.policy.mismatch != Allow {
		for _, m := range in.Mismatches {
			// The mismatch itself is reported beside, with its digests.
			reason := fmt.Sprintf("rule policy.mismatch %q: %s does not match the digest its registry published", r.policy.mismatch, m.Subject)
			v := add(Decision{Level: r.policy.mismatch, Rule: "policy.mismatch", Subject: m.Subject, Reason: reason}, nil)
			for _, u := range m.URLs {
				v.urls[u] = true
			}
		}
	}
	out := make([]Violation, 0, len(e.byKey))
	for _, v := range e.byKey {
		v.URLs = make([]string, 0, len(v.urls))
		for u := range v.urls {
			v.URLs = append(v.URLs, u)
		}
		slices.Sort(v.URLs)
		out = append(out, v.Violation)
	}
	slices.SortFunc(out, func(a, b Violation) int {
		if a.Level != b.Level {
			if a.Level == Deny {
				return -1
			}
			return 1
		}
		return cmp.Or(strings.Compare(a.Rule, b.Rule), strings.Compare(a.Subject, b.Subject))
	})
	return out
}

type violation struct {
	Violation
	urls map[string]bool
}
