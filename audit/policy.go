package audit

import (
	"cmp"

	"github.com/depaudit/depaudit/internal/urlkey"
	"github.com/depaudit/depaudit/rules"
	"github.com/depaudit/depaudit/verify"
)

// judge ends the evaluation e of the policy on the observations (and the diff, for
// policy.hash_changed) and lists each violation on the artifacts and
// services it is about.
func (r *Report) judge(e *rules.Evaluation) {
	in := rules.Input{Connections: r.Log.Connections}
	if r.Diff != nil {
		for _, hc := range r.Diff.HashChanged {
			in.HashChanges = append(in.HashChanges, rules.HashChange{
				PURL: hc.PURL, Key: hc.Key, Version: hc.Version, Mutable: hc.Mutable, NewURLs: hc.NewURLs,
			})
		}
	}
	for _, a := range r.Artifacts {
		if a.Verdict.Status != verify.StatusMismatch {
			continue
		}
		in.Mismatches = append(in.Mismatches, rules.Mismatch{Subject: cmp.Or(a.Finding.PURL, firstOf(a.URLs)), URLs: a.URLs})
	}
	for _, v := range r.MetadataVerdicts {
		// A tampered index or go.mod decides what the build selects.
		if v.Status == verify.StatusMismatch {
			in.Mismatches = append(in.Mismatches, rules.Mismatch{Subject: v.PURL})
		}
	}
	r.Violations = e.Result(in)
	for _, v := range r.Violations {
		urls := make(map[string]bool, len(v.URLs))
		hosts := make(map[string]bool, len(v.URLs))
		for _, u := range v.URLs {
			urls[urlkey.Key(u)] = true
			if h := urlkey.Host(u); h != "" {
				hosts[h] = true
			}
		}
		for _, a := range r.Artifacts {
			if a.Finding.PURL == v.Subject || anyKey(urls, a.URLs) || anyKey(urls, a.RedirectedFrom) {
				a.Violations = append(a.Violations, v)
			}
		}
		for _, s := range r.Services {
			if hosts[urlkey.HostPort("", s.Name)] {
				s.Violations = append(s.Violations, v)
			}
		}
	}
}

// anyKey reports whether the key of one of urls is in keys.
func anyKey(keys map[string]bool, urls []string) bool {
	for _, u := range urls {
		if k := urlkey.Key(u); k != "" && keys[k] {
			return true
		}
	}
	return false
}

// firstOf returns the first of urls, "" when there is none.
func firstOf(urls []string) string {
	if len(urls) == 0 {
		return ""
	}
	return urls[0]
}
