package rules

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/urlkey"
)

// Decision is one rule a request breaks.
type Decision struct {
	// Level is Warn or Deny.
	Level Action
	// Rule names the rule as the file spells its path:
	// "policy.deny.purls[0]", "policy.allow.hosts", "policy.unclassified".
	Rule string
	// Pattern is the list entry as written, for rules of the deny lists.
	Pattern string
	// Subject is what broke the rule: a host, an ecosystem or a purl.
	Subject string
	// Reason says it in one line, for a person:
	// `rule policy.deny.purls[0] "pkg:npm/evil-*" matches pkg:npm/evil-pkg`.
	Reason string
}

// Check returns the rules that a request to host, classified as f, breaks,
// deny rules first: the deny lists, the allow lists, then
// policy.unclassified and policy.generic_downloads. host may carry a port.
// An empty result means the request is allowed without remark.
func (r *Rules) Check(host string, f classify.Finding) []Decision {
	p := &r.policy
	var out []Decision
	name := hostName(host, f.URL)
	for _, e := range p.deny.hosts {
		if e.value.match(host) {
			out = append(out, listHit(e.rule, e.written, name, "host "+name))
			break
		}
	}
	eco := f.Ecosystem
	registry := eco != "" && eco != classify.EcosystemGeneric
	if registry {
		for _, e := range p.deny.ecosystems {
			if e.value == eco {
				out = append(out, listHit(e.rule, e.written, eco, "ecosystem "+eco))
				break
			}
		}
	}
	if f.PURL != "" {
		for _, e := range p.deny.purls {
			if e.value.match(f.PURL) {
				out = append(out, listHit(e.rule, e.written, f.PURL, f.PURL))
				break
			}
		}
	}
	if len(p.allow.hosts) > 0 && !anyMatch(p.allow.hosts, func(h hostPattern) bool { return h.match(host) }) {
		out = append(out, notAllowed("policy.allow.hosts", name, "host "+name))
	}
	if registry && len(p.allow.ecosystems) > 0 && !anyMatch(p.allow.ecosystems, func(e string) bool { return e == eco }) {
		out = append(out, notAllowed("policy.allow.ecosystems", eco, "ecosystem "+eco))
	}
	if f.PURL != "" && len(p.allow.purls) > 0 && !anyMatch(p.allow.purls, func(pp purlPattern) bool { return pp.match(f.PURL) }) {
		out = append(out, notAllowed("policy.allow.purls", f.PURL, f.PURL))
	}
	switch {
	case f.Kind == classify.KindUnclassified && p.unclassified != Allow:
		out = append(out, Decision{Level: p.unclassified, Rule: "policy.unclassified", Subject: name,
			Reason: fmt.Sprintf("rule policy.unclassified %q: %s is no known package registry", p.unclassified, name)})
	case eco == classify.EcosystemGeneric && p.generic != Allow:
		subject := f.PURL
		if subject == "" {
			subject = f.URL
		}
		out = append(out, Decision{Level: p.generic, Rule: "policy.generic_downloads", Subject: subject,
			Reason: fmt.Sprintf("rule policy.generic_downloads %q: %s is a download from no known package registry", p.generic, subject)})
	}
	// Deny decisions first, keeping the order above among equals.
	denies := out[:0:0]
	var warns []Decision
	for _, d := range out {
		if d.Level == Deny {
			denies = append(denies, d)
		} else {
			warns = append(warns, d)
		}
	}
	return append(denies, warns...)
}

func listHit(rule, pattern, subject, what string) Decision {
	return Decision{Level: Deny, Rule: rule, Pattern: pattern, Subject: subject,
		Reason: fmt.Sprintf("rule %s %q matches %s", rule, pattern, what)}
}

func notAllowed(rule, subject, what string) Decision {
	return Decision{Level: Deny, Rule: rule, Subject: subject,
		Reason: fmt.Sprintf("rule %s: %s is not in the list", rule, what)}
}

func anyMatch[T any](es []entry[T], match func(T) bool) bool {
	for _, e := range es {
		if match(e.value) {
			return true
		}
	}
	return false
}

// hostName is the normal form of host as the request to rawURL names it:
// without the port of rawURL's scheme (any port is kept when rawURL has
// no scheme).
func hostName(host, rawURL string) string {
	scheme := ""
	if u, err := url.Parse(rawURL); err == nil {
		scheme = strings.ToLower(u.Scheme)
	}
	if h := urlkey.HostPort(scheme, host); h != "" {
		return h
	}
	return strings.ToLower(host)
}

// Gate returns the function a build's proxy asks before each request goes
// upstream (capture.RunConfig.Gate): in enforce mode it returns the reason
// of the first deny rule the request breaks, judged on its method and URL
// alone, since no response exists yet. In audit mode it returns nil: every
// request goes through.
//
// A download that reaches a CDN through a redirect (GitHub release assets
// on objects.githubusercontent.com) is judged by the CDN's URL, which no
// classifier recognises: with policy.unclassified: deny, enforce mode
// refuses it. After the build, Evaluate follows redirects as the SBOM does.
func (r *Rules) Gate() func(x *capture.Exchange) (denial string) {
	if r.mode != ModeEnforce {
		return nil
	}
	return func(x *capture.Exchange) string {
		if d, ok := r.checkTransparent(x); ok && d.Level == Deny {
			return d.Reason
		}
		f := r.set.Classify(classify.Request{Method: x.Method, URL: x.URL})
		for _, d := range r.Check(x.Host, f) {
			if d.Level == Deny {
				return d.Reason
			}
		}
		return ""
	}
}

// checkTransparent judges a request that came around the proxy in a
// sealed build by policy.bypass.
func (r *Rules) checkTransparent(x *capture.Exchange) (Decision, bool) {
	if !x.Transparent || r.policy.bypass == Allow {
		return Decision{}, false
	}
	return Decision{Level: r.policy.bypass, Rule: "policy.bypass", Subject: x.Host,
		Reason: fmt.Sprintf("rule policy.bypass %q: %s was reached around the proxy (the client ignored the proxy settings)", r.policy.bypass, x.Host)}, true
}
