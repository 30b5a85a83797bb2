// Package audit is depaudit's one analysis stage: between the capture log
// and every output. [Analyze] (a log held in memory) and [AnalyzeFile] (a
// log read exchange by exchange from its file) return a [Report]: every
// exchange attributed to a finding (redirects followed, by package
// observe), the artifacts and services a build used, the verification
// verdict of every artifact, the policy's violations and, with a baseline
// SBOM, what changed since it. The report holds what the outputs need,
// aggregated, not the exchanges: its size grows with the distinct
// artifacts, hosts, URLs and failures of a build, not with its requests.
//
// Outputs (the CycloneDX SBOM of package sbom, the list of unclassified
// calls, the end-of-build summary, and whatever else renders a build)
// read the Report and nothing else: none of them classifies, follows a
// redirect, verifies or judges on its own, so that they never disagree.
package audit

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/bomdiff"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/depgraph"
	"github.com/depaudit/depaudit/license"
	"github.com/depaudit/depaudit/observe"
	"github.com/depaudit/depaudit/rules"
	"github.com/depaudit/depaudit/verify"
)

// Config is what Analyze needs beyond the capture log. The zero value
// analyses with the built-in classifiers, verifies, and has no policy and
// no baseline.
type Config struct {
	// Classifier classifies the exchanges; nil means the rules file's
	// classifiers when Rules is set, else classify.Default().
	Classifier observe.Classifier
	// Rules is the rules file whose policy the build is judged by; nil
	// judges nothing (Report.Violations stays empty).
	Rules *rules.Rules
	// Baseline is a previous build's SBOM: Report.Diff is what changed
	// since it, and policy.hash_changed is judged on that. Nil: no diff.
	Baseline *cdx.BOM
	// NoVerify leaves every artifact without a verdict (Artifact.Verdict
	// is the zero value and the SBOM has no verification properties).
	NoVerify bool
	// VerifyFetch, when set, fetches after the build the registry metadata
	// of the artifacts left unverifiable, through this client, which must
	// verify TLS; nil fetches nothing. A capture log that records fetches
	// made after its build (see capture.RecordFetch) is never fetched for
	// again: its records are used.
	VerifyFetch *http.Client
	// VerifyFetchEnv reads the build's environment for VerifyFetch: the
	// Go privacy settings that keep a module from checksum databases (see
	// verify.FetchOptions). Nil reads an empty environment.
	VerifyFetchEnv func(string) string
}

// Report is everything depaudit knows about one build, computed once by
// Analyze from its capture log. It is plain data that outputs read; they
// must not modify it. Slices are in a deterministic order that depends
// only on the capture log and the Config.
type Report struct {
	// Log is the capture log analysed: header, trailer, damage,
	// connections and fetches. Its Exchanges are those of a log read
	// whole (Analyze), none for one read exchange by exchange
	// (AnalyzeFile); outputs read exchanges with EachExchange.
	Log *capture.Log

	// Exchanges counts the exchanges of the log. The report keeps none of
	// them: EachExchange reads them again, each with its finding.
	Exchanges int
	// Refused counts, by host, the requests the proxy refused for want of
	// its credential to hosts the client never reached with it.
	Refused map[string]int

	// Artifacts are the distinct artifacts the build downloaded whole (one
	// per package URL and SHA-256 of the bytes), sorted by package URL and
	// then by the first request that fetched them: the SBOM's components.
	Artifacts []*Artifact
	// Services are the hosts of the unclassified calls, sorted by name:
	// the SBOM's services.
	Services []*Service
	// Unclassified are the calls no classifier recognised and the generic
	// downloads, aggregated by host, method, URL and status, sorted by
	// those fields.
	Unclassified []UnclassifiedCall
	// Summary holds the figures of the build.
	Summary Summary
	// Warnings are one-line messages about what went wrong or needs a
	// person's attention, in a deterministic order.
	Warnings []string

	// Verified reports that artifacts were verified (Config.NoVerify was
	// not set): each Artifact.Verdict is then set.
	Verified bool
	// MetadataVerdicts are the verdicts of the metadata downloads whose own
	// digest their registry published (apt and RPM indexes), in the order
	// first seen; a verdict's PURL is the metadata's URL.
	MetadataVerdicts []verify.Verdict
	// Fetched are the metadata URLs fetched after the build and read;
	// FetchErr joins the errors met doing so.
	Fetched  []string
	FetchErr error
	// Fetches are what was fetched after the build, as the capture log
	// records it (see capture.RecordFetch), FetchEnd nil when nothing
	// was. FetchRecorded says they were read from the capture log rather
	// than fetched now: the log already holds them.
	Fetches       []capture.Fetch
	FetchEnd      *capture.FetchEnd
	FetchRecorded bool

	// Graph is the dependency graph of Artifacts (by Artifact.Ref), from
	// the requirements the metadata the build fetched declares; nil when
	// the build fetched no such metadata for any artifact.
	Graph *depgraph.Graph

	// Rules is Config.Rules: nil when the build was judged by no policy.
	Rules *rules.Rules
	// Violations are the rules the build broke, deny before warn, then by
	// rule and subject (see rules.Rules.Evaluate). Each is also listed on
	// the artifacts and services it is about.
	Violations []rules.Violation

	// Diff is what changed from Config.Baseline to this build's SBOM; nil
	// without a baseline.
	Diff *bomdiff.Diff

	// each reads the log's exchanges again, in the order they started;
	// attribute attributes them as the report did.
	each      func(func(*capture.Exchange) error) error
	attribute func() *attribution
}

// Verdicts returns the verdict of every artifact, in the order of
// Artifacts; nil when the report was made without verification.
func (r *Report) Verdicts() []verify.Verdict {
	if !r.Verified {
		return nil
	}
	out := make([]verify.Verdict, len(r.Artifacts))
	for i, a := range r.Artifacts {
		out[i] = a.Verdict
	}
	return out
}

// EachExchange calls fn with every exchange of the log, in the order they
// started, and the finding it is attributed to, as the report's figures
// count it (a request the proxy refused for want of its credential is
// unclassified). The exchanges are read again from the log, so that a
// report of any size keeps none: fn must not keep x. It stops at fn's
// first error.
func (r *Report) EachExchange(fn func(x *capture.Exchange, f classify.Finding) error) error {
	if r.each == nil {
		return nil
	}
	at := r.attribute()
	return r.each(func(x *capture.Exchange) error {
		o, ok := at.observe(x)
		if !ok {
			return fn(x, classify.Finding{URL: x.URL, Kind: classify.KindUnclassified})
		}
		return fn(x, o.Finding)
	})
}

// Denied counts the violations at level deny.
func (r *Report) Denied() int {
	n := 0
	for _, v := range r.Violations {
		if v.Level == rules.Deny {
			n++
		}
	}
	return n
}

// Analyze analyses the capture log of one build, held in memory: it
// attributes every exchange to a finding, collects the artifacts, services
// and unclassified calls, verifies each artifact against the digests its
// registry published (fetching missing metadata with Config.VerifyFetch),
// diffs the build against Config.Baseline, and judges it by Config.Rules.
// ctx bounds the fetching only. The result depends only on l and cfg (and
// what VerifyFetch fetched).
func Analyze(ctx context.Context, l *capture.Log, cfg Config) (*Report, error) {
	if l == nil {
		return nil, errors.New("analyze: no capture log")
	}
	xs := make([]*capture.Exchange, len(l.Exchanges))
	for i := range l.Exchanges {
		xs[i] = &l.Exchanges[i]
	}
	slices.SortStableFunc(xs, func(a, b *capture.Exchange) int { return cmp.Compare(a.ID, b.ID) })
	each := func(fn func(*capture.Exchange) error) error {
		for _, x := range xs {
			if err := fn(x); err != nil {
				return err
			}
		}
		return nil
	}
	return analyze(ctx, l, len(xs), each, cfg)
}

// AnalyzeFile is Analyze for a capture log read exchange by exchange from
// its file (capture.OpenLog): the log is read three times and the report
// keeps what the outputs need, not the exchanges, so that the memory it
// takes grows with the distinct artifacts, hosts and URLs of the build,
// not with its requests.
func AnalyzeFile(ctx context.Context, f *capture.LogFile, cfg Config) (*Report, error) {
	if f == nil {
		return nil, errors.New("analyze: no capture log")
	}
	return analyze(ctx, f.Log, f.Len(), f.Exchanges, cfg)
}

// analyze analyses the log l whose n exchanges each reads, in the order
// they started.
func analyze(ctx context.Context, l *capture.Log, n int, each func(func(*capture.Exchange) error) error, cfg Config) (*Report, error) {
	c := cfg.Classifier
	if c == nil {
		if cfg.Rules != nil {
			c = cfg.Rules.Classifier()
		} else {
			c = classify.Default()
		}
	}
	r := &Report{Log: l, Rules: cfg.Rules, Exchanges: n, Summary: Summary{Packages: make(map[string]int), Truncated: l.Truncated()}, each: each}
	if l.Damage != "" {
		r.Warnings = append(r.Warnings, fmt.Sprintf("capture log damaged: %d line(s) skipped (first: %s); the SBOM covers the %d exchanges read around them", l.DamagedLines, l.Damage, n))
	} else if l.Trailer == nil {
		r.Warnings = append(r.Warnings, fmt.Sprintf("capture log has no trailer (the run did not finish): the SBOM covers the %d exchanges recorded", n))
	}

	// The registry metadata of the run names artifact URLs (declarations)
	// and publishes facts that complete findings (a Debian package's epoch,
	// an OCI blob's image): the exchanges are attributed once to collect
	// them, then for good with them. The first pass reads the
	// declarations, the hosts reached and the build's Python.
	declared := verify.NewAttributed(c)
	reached := map[string]bool{}
	var pyEnv map[string]string
	err := each(func(x *capture.Exchange) error {
		declared.Declare(x)
		if !x.ProxyAuthRefused() {
			reached[x.Host] = true
		}
		if pyEnv == nil {
			pyEnv = depgraph.PipEnvironment(x.UserAgent)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	declared.Done()
	ev := verify.NewEvidence(declared)
	first := newAttribution(declared, reached, nil)
	err = each(func(x *capture.Exchange) error {
		if o, st := first.a.Observe(x); st == observe.Observed {
			ev.Add(&o)
			first.poms.note(&o)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	if !cfg.NoVerify {
		var res verify.FetchResult
		switch {
		case l.FetchEnd != nil:
			// Fetched after the build already: read, never asked again.
			res = verify.FetchResult{Records: l.Fetches, End: *l.FetchEnd}
			ev.Replay(res.Records, res.End)
			r.FetchRecorded = true
		case cfg.VerifyFetch != nil:
			res = ev.Fetch(ctx, cfg.VerifyFetch, verify.FetchOptions{Getenv: cfg.VerifyFetchEnv})
		}
		if l.FetchEnd != nil || cfg.VerifyFetch != nil {
			r.Fetches, r.FetchEnd = res.Records, &res.End
			r.Fetched, r.FetchErr = res.Fetched(), res.Errors()
		}
	}

	// The second pass attributes every exchange for good and gathers what
	// the outputs need.
	final := ev.Refined(declared)
	r.attribute = func() *attribution { return newAttribution(final, reached, first.poms) }
	at := r.attribute()
	g := newGathering(&r.Summary, cfg.Rules)
	err = each(func(x *capture.Exchange) error {
		o, st := at.a.Observe(x)
		switch st {
		case observe.Refused:
			if r.Refused == nil {
				r.Refused = map[string]int{}
			}
			r.Refused[x.Host]++
		case observe.Observed:
			g.add(&o, at)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analyze: %w", err)
	}
	r.Warnings = append(r.Warnings, refusalWarnings(r.Refused)...)
	for _, n := range r.Refused {
		r.Summary.Requests += n
		r.Summary.Failures += n
	}
	arts, warnings := g.arts.finish()
	r.Artifacts = arts
	r.Warnings = append(r.Warnings, g.classifyWarnings.lines()...)
	r.Warnings = append(r.Warnings, warnings...)
	g.figures.finish()
	r.Warnings = append(r.Warnings, g.tunnels.warnings()...)
	for _, a := range arts {
		r.Summary.Packages[a.Finding.Ecosystem]++
	}
	r.Summary.Components = len(arts)
	r.Services = g.services.finish()
	connectionFigures(l.Connections, &r.Summary)
	r.Unclassified = g.unclassified.finish()

	r.Graph = graph(r.Artifacts, ev, l.Header.Project, pyEnv)
	for _, a := range r.Artifacts {
		raw, source := ev.Licenses(a.Finding.PURL)
		a.LicenseSource = source
		for _, l := range raw {
			a.Licenses = append(a.Licenses, license.Normalize(l))
		}
	}
	if !cfg.NoVerify {
		for _, a := range r.Artifacts {
			a.Verdict = ev.Check(a.Finding.PURL, a.SHA256)
		}
		r.MetadataVerdicts = ev.Metadata()
		r.Verified = true
	}
	if cfg.Baseline != nil {
		d := bomdiff.Compare(bomdiff.BOMSide(cfg.Baseline), r.diffSide())
		r.Diff = &d
	}
	if cfg.Rules != nil {
		r.judge(g.rules)
	}
	return r, nil
}

// diffSide is the build as a diff sees its SBOM.
func (r *Report) diffSide() *bomdiff.Side {
	s := bomdiff.NewSide()
	for _, a := range r.Artifacts {
		group, name, version := a.Names()
		s.AddComponent(bomdiff.Component{PURL: a.Finding.PURL, Group: group, Name: name, Version: version, Hashes: a.Hashes(), URLs: a.URLs,
			Verification: string(a.Verdict.Status), GoH1: a.Verdict.GoH1})
	}
	for _, sv := range r.Services {
		s.AddService(sv.Name, sv.Endpoints)
	}
	if r.Graph != nil {
		purls, labels := map[string]string{}, map[string]string{}
		for _, a := range r.Artifacts {
			group, name, version := a.Names()
			if group != "" {
				name = group + "/" + name
			}
			purls[a.Ref], labels[a.Ref] = a.Finding.PURL, name+"@"+version
		}
		s.SetGraph(r.Graph.Roots, r.Graph.DependsOn, purls, labels)
	}
	return s
}

// graph builds the dependency graph of arts from what ev read of their
// metadata; nil when it read nothing for any of them.
func graph(arts []*Artifact, ev *verify.Evidence, project *capture.Project, pyEnv map[string]string) *depgraph.Graph {
	type stated struct {
		reqs  []string
		known bool
	}
	byRef := make(map[string]stated, len(arts))
	pkgs := make([]depgraph.Package, 0, len(arts))
	known := false
	for _, a := range arts {
		p, err := classify.ParsePURL(a.Finding.PURL)
		if err != nil {
			continue
		}
		name := p.Name
		if p.Namespace != "" {
			name = p.Namespace + "/" + p.Name
		}
		pkgs = append(pkgs, depgraph.Package{Ref: a.Ref, Ecosystem: a.Finding.Ecosystem, Name: name, Version: p.Version})
		reqs, ok := ev.Requires(a.Finding.PURL)
		byRef[a.Ref] = stated{reqs, ok}
		known = known || ok
	}
	if !known {
		return nil
	}
	var proj *depgraph.Project
	if project != nil && len(project.Requires) > 0 {
		proj = &depgraph.Project{Ecosystem: project.Ecosystem, Requires: project.Requires}
	}
	return depgraph.BuildWith(depgraph.Options{Project: proj, PythonEnv: pyEnv}, pkgs, func(ref string) ([]string, bool) {
		s := byRef[ref]
		return s.reqs, s.known
	})
}
