package rules

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/sbom"
)

// Input is what Evaluate judges: a finished build.
type Input struct {
	// Log is the build's capture log.
	Log *capture.Log
	// Diff, when set, is the difference from a baseline SBOM to the build's
	// SBOM, for policy.hash_changed.
	Diff *sbom.Diff
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
		s += " (" + plural(v.Requests, "request")
		if v.Blocked > 0 {
			s += fmt.Sprintf(", %d refused", v.Blocked)
		}
		s += ")"
	}
	return s
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// deniedPrefix starts the error of an exchange the gate refused.
const deniedPrefix = "denied by policy: "

// Evaluate returns the violations of a finished build, deny before warn,
// then by rule and subject. Each request of the capture log is classified
// with the rules' classifiers (a request that a redirect led to is judged
// as the request that redirected) and checked as Check does; hash changes
// against a baseline are checked against policy.hash_changed. Requests the
// proxy refused for want of its credential are not judged: the client
// retried with it.
func (r *Rules) Evaluate(in Input) []Violation {
	byKey := map[string]*violation{}
	add := func(d Decision, x *capture.Exchange) {
		k := d.Rule + "\x00" + d.Subject
		v, ok := byKey[k]
		if !ok {
			v = &violation{Violation: Violation{Level: d.Level, Rule: d.Rule, Pattern: d.Pattern, Subject: d.Subject, Reason: d.Reason},
				urls: map[string]bool{}}
			byKey[k] = v
		}
		if x == nil {
			return
		}
		v.Requests++
		if strings.HasPrefix(x.Error, deniedPrefix) {
			v.Blocked++
		}
		v.urls[x.URL] = true
	}
	if in.Log != nil {
		findings := r.findings(in.Log)
		for i := range in.Log.Exchanges {
			x := &in.Log.Exchanges[i]
			f, ok := findings[i]
			if !ok {
				continue
			}
			for _, d := range r.Check(x.Host, f) {
				add(d, x)
			}
			if d, ok := r.checkTransparent(x); ok {
				add(d, x)
			}
		}
		if r.policy.bypass != Allow {
			for _, c := range in.Log.Connections {
				if c.Action != capture.ConnBlocked {
					continue
				}
				subject := c.Protocol + " " + c.Target()
				add(Decision{Level: r.policy.bypass, Rule: "policy.bypass", Subject: subject,
					Reason: fmt.Sprintf("rule policy.bypass %q: the build tried a connection that was neither TLS nor HTTP (%s), blocked", r.policy.bypass, subject)}, nil)
				byKey["policy.bypass\x00"+subject].Requests++
			}
		}
	}
	if in.Diff != nil && r.policy.hashChanged != Allow {
		for _, hc := range in.Diff.HashChanged {
			level := r.policy.hashChanged
			subject := hc.PURL
			if subject == "" {
				subject = hc.Key + "@" + hc.Version
			}
			reason := fmt.Sprintf("rule policy.hash_changed %q: %s has other bytes than in the baseline", r.policy.hashChanged, subject)
			if hc.Mutable {
				// A SNAPSHOT's bytes change by design.
				level = Warn
				reason += " (a mutable version)"
			}
			add(Decision{Level: level, Rule: "policy.hash_changed", Subject: subject, Reason: reason}, nil)
			v := byKey["policy.hash_changed\x00"+subject]
			for _, u := range hc.NewURLs {
				v.urls[u] = true
			}
		}
	}
	out := make([]Violation, 0, len(byKey))
	for _, v := range byKey {
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
		if c := strings.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		return strings.Compare(a.Subject, b.Subject)
	})
	return out
}

type violation struct {
	Violation
	urls map[string]bool
}

// findings classifies the exchanges of l that are judged, by index. A
// request a redirect led to, which on its own would be unclassified or a
// generic download (a CDN URL), takes the finding of the registry request
// that redirected to it.
func (r *Rules) findings(l *capture.Log) map[int]classify.Finding {
	out := make(map[int]classify.Finding, len(l.Exchanges))
	redirected := map[string]classify.Finding{}
	for i := range l.Exchanges {
		x := &l.Exchanges[i]
		if x.ProxyAuthRefused() || (x.Method == "CONNECT" && !strings.HasPrefix(x.Error, deniedPrefix)) {
			// A refused credential is retried; a bare CONNECT is a
			// tunnel whose requests, if any, are recorded themselves.
			continue
		}
		f := r.set.Classify(classify.Request{Method: x.Method, URL: x.URL, Status: x.Status, ContentType: x.ContentType, Location: x.Location})
		if f.Kind == classify.KindUnclassified || f.Ecosystem == classify.EcosystemGeneric {
			if from, ok := redirected[urlKey(x.URL)]; ok {
				f.Kind, f.Ecosystem, f.PURL = from.Kind, from.Ecosystem, from.PURL
			}
		}
		if x.Location != "" && f.Kind != classify.KindUnclassified && f.Ecosystem != classify.EcosystemGeneric {
			if target := resolve(x.URL, x.Location); target != "" {
				redirected[urlKey(target)] = f
			}
		}
		out[i] = f
	}
	return out
}

// resolve makes a Location absolute against the URL that sent it.
func resolve(base, loc string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ""
	}
	u, err := b.Parse(loc)
	if err != nil {
		return ""
	}
	return u.String()
}

// urlKey identifies a URL regardless of its query, which redaction may
// have changed differently in a Location and in the request.
func urlKey(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + u.EscapedPath()
}
