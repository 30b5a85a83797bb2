package audit

import (
	"fmt"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/observe"
	"github.com/depaudit/depaudit/rules"
)

// attribution attributes the exchanges of a log, in the order they
// started, as the report counts them: a Maven POM fetched alone is an
// artifact (pomSet.promote).
type attribution struct {
	a    *observe.Attributor
	poms pomSet
}

// newAttribution attributes with c; reached are the hosts the build
// reached with the proxy's credential, poms the Maven artifacts fetched
// (nil: none yet, to be noted).
func newAttribution(c observe.Classifier, reached map[string]bool, poms pomSet) *attribution {
	if poms == nil {
		poms = pomSet{}
	}
	return &attribution{a: observe.NewAttributor(c, func(h string) bool { return reached[h] }), poms: poms}
}

// observe attributes x, as the report's figures have it; ok is false for
// a request the proxy refused for want of its credential.
func (at *attribution) observe(x *capture.Exchange) (o observe.Observation, ok bool) {
	o, st := at.a.Observe(x)
	if st != observe.Observed {
		return o, false
	}
	at.settle(&o)
	return o, true
}

// settle gives o the finding the report counts: a Maven POM fetched alone
// is an artifact (pomSet.promote), and an artifact finding without a purl
// is unclassified, which demoted reports.
func (at *attribution) settle(o *observe.Observation) (demoted bool) {
	at.poms.promote(o)
	if !o.Tunnel() && o.Finding.Kind == classify.KindArtifact && o.Finding.PURL == "" {
		o.Finding.Kind = classify.KindUnclassified
		return true
	}
	return false
}

// gathering is what the report collects from the observations, one at a
// time: nothing in it grows with the number of requests, only with the
// distinct artifacts, hosts, URLs and failures.
type gathering struct {
	arts             *artifactSet
	figures          *figures
	tunnels          tunnelFailures
	services         *serviceSet
	unclassified     *unclassifiedSet
	classifyWarnings warningList
	// rules is nil without a policy.
	rules *rules.Evaluation
}

func newGathering(s *Summary, rs *rules.Rules) *gathering {
	g := &gathering{arts: newArtifactSet(s), figures: newFigures(s), services: newServiceSet(), unclassified: newUnclassifiedSet(),
		classifyWarnings: warningList{what: "classifier failures"}}
	if rs != nil {
		g.rules = rs.NewEvaluation()
	}
	return g
}

// add gathers observation o, attributed by at and not yet settled.
func (g *gathering) add(o *observe.Observation, at *attribution) {
	if w := classifyWarning(o); w != "" {
		g.classifyWarnings.add(w)
	}
	if at.settle(o) {
		g.arts.warnings.add(fmt.Sprintf("artifact without a package URL treated as unclassified: %s", o.Exchange.URL))
	}
	g.arts.add(o)
	g.figures.add(o)
	g.tunnels.add(o)
	g.services.add(o)
	g.unclassified.add(o)
	if g.rules != nil {
		g.rules.Observe(o)
	}
}

// maxWarnings bounds the warnings of one kind a report keeps about single
// requests (a failed download, a classifier that failed): past it they
// are counted, so that a build failing a million times neither fills
// memory nor prints a million lines.
const maxWarnings = 1000

// warningList is the warnings of one kind, the first maxWarnings of them
// kept and the rest counted.
type warningList struct {
	list []string
	more int
	// what names them in the line that counts the rest.
	what string
}

// add keeps or counts one warning.
func (w *warningList) add(s string) {
	if len(w.list) < maxWarnings {
		w.list = append(w.list, s)
		return
	}
	w.more++
}

// lines returns the warnings kept and, when some were not, a line that
// counts them.
func (w *warningList) lines() []string {
	if w.more == 0 {
		return w.list
	}
	return append(w.list, fmt.Sprintf("%d more %s (the first %d are above)", w.more, w.what, maxWarnings))
}
