package rules

import (
	"github.com/depaudit/depaudit/classify"
)

// DefaultFile is the rules file depaudit reads from the working directory
// when no --rules flag names one.
const DefaultFile = ".depaudit.yaml"

// Mode says what depaudit does about a request the policy denies.
type Mode string

// The modes of a rules file.
const (
	// ModeAudit records and reports violations; every request goes
	// through. It is the default.
	ModeAudit Mode = "audit"
	// ModeEnforce also refuses denied requests: the proxy answers 403 with
	// a body naming the rule, so the build fails where it happened.
	ModeEnforce Mode = "enforce"
)

// Action is what the policy does about requests of one kind, and the level
// of a violation.
type Action string

// The actions of policy.unclassified, policy.generic_downloads and
// policy.hash_changed; warn and deny are also the levels of a Violation.
const (
	// Allow lets the request through and reports nothing.
	Allow Action = "allow"
	// Warn reports the request but never fails the build.
	Warn Action = "warn"
	// Deny reports the request as a violation; enforce mode refuses it and
	// --fail-on-violation fails the build.
	Deny Action = "deny"
)

// Registry is one extra package registry of a rules file.
type Registry struct {
	// URL is the registry's base URL, for example
	// "https://npm.corp.example/api/npm/npm-remote/".
	URL string
	// Ecosystem is the registry's layout: npm, pypi, golang, maven, cargo, gem, composer, nuget or conda.
	Ecosystem string
}

// Rules is a loaded, valid rules file. It is immutable and safe for
// concurrent use.
type Rules struct {
	path       string
	mode       Mode
	registries []Registry
	set        *classify.Set
	policy     policy
	// sealed and sealedAllow are "sealed" and "sealed_allow".
	sealed      bool
	sealedAllow []string
	// hashes is "hashes": digests every body gets.
	hashes []string
}

// policy is the policy section.
type policy struct {
	allow, deny  lists
	unclassified Action
	generic      Action
	hashChanged  Action
	// bypass is policy.bypass: connections of a sealed build that came
	// around the proxy (transparent) or were blocked.
	bypass Action
	// mismatch is policy.mismatch: an artifact whose bytes differ from
	// the digest its registry published.
	mismatch Action
}

// lists are the host, ecosystem and purl lists of policy.allow or
// policy.deny.
type lists struct {
	hosts      []entry[hostPattern]
	ecosystems []entry[string]
	purls      []entry[purlPattern]
}

// entry is one list item with the rule name that reports it
// ("policy.deny.purls[0]") and its text as written.
type entry[T any] struct {
	rule    string
	written string
	value   T
}

// Path returns the file the rules were loaded from.
func (r *Rules) Path() string { return r.path }

// Mode returns the rules file's mode.
func (r *Rules) Mode() Mode { return r.mode }

// Registries returns the extra registries, in the order of the file.
func (r *Rules) Registries() []Registry { return append([]Registry(nil), r.registries...) }

// Classifier returns the classifiers of a build under these rules: the
// extra registries first, in the order of the file, then the built-in ones.
func (r *Rules) Classifier() *classify.Set { return r.set }

// HashChanged returns policy.hash_changed: what to do when an artifact's
// bytes differ from a baseline SBOM's under the same package URL.
func (r *Rules) HashChanged() Action { return r.policy.hashChanged }

// MismatchAction returns policy.mismatch: what to do about an artifact
// whose bytes differ from the digest its registry published (deny unless
// the file says otherwise).
func (r *Rules) MismatchAction() Action { return r.policy.mismatch }

// Sealed reports whether the rules file asks for sealed builds.
func (r *Rules) Sealed() bool { return r.sealed }

// SealedAllow returns the destinations a sealed build may reach directly
// ("ssh://github.com:22"), as written.
func (r *Rules) SealedAllow() []string { return append([]string(nil), r.sealedAllow...) }

// Hashes returns the digests the file asks of every body ("hashes":
// sha256, sha512, sha1), beside those each body's ecosystem publishes; nil
// for a nil Rules.
func (r *Rules) Hashes() []string {
	if r == nil {
		return nil
	}
	return append([]string(nil), r.hashes...)
}

// Bypass returns policy.bypass: what to do about a sealed build's
// connections that came around the proxy or were blocked.
func (r *Rules) Bypass() Action { return r.policy.bypass }

// HasPolicy reports whether the file sets a policy that can report
// anything beyond the default one (policy.mismatch: deny).
func (r *Rules) HasPolicy() bool {
	p := &r.policy
	return len(p.allow.hosts)+len(p.allow.ecosystems)+len(p.allow.purls)+
		len(p.deny.hosts)+len(p.deny.ecosystems)+len(p.deny.purls) > 0 ||
		p.unclassified != Allow || p.generic != Allow || p.hashChanged != Allow || p.bypass != Allow
}
