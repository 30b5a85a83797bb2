package classify

import "fmt"

// parsedClassifier is implemented by the built-in classifiers: it lets a Set
// parse a request URL once for all of them.
type parsedClassifier interface {
	classify(p *parsed) (Finding, bool)
}

// Set is an ordered list of classifiers: the first that recognises a request
// decides its finding. A Set is immutable and safe for concurrent use.
type Set struct {
	cs []Classifier
}

// NewSet returns a Set that asks cs in order.
func NewSet(cs ...Classifier) *Set {
	out := make([]Classifier, 0, len(cs))
	for _, c := range cs {
		if c != nil {
			out = append(out, c)
		}
	}
	return &Set{cs: out}
}

// Default returns the built-in classifiers in their fixed precedence order:
// git smart-HTTP (on any host), npm, PyPI, Go, crates.io, RubyGems, Composer, NuGet, conda, Hugging Face,
// npm, PyPI, Go, crates.io, RubyGems, Composer, NuGet, conda, Hugging Face,
// pub.dev, Hex, CRAN, CocoaPods, GitHub, Maven, the OS package archives,
// Helm chart repositories, toolchains; then the artifact layouts of npm, PyPI, Go and Cargo on any
// host (a private registry no rules file names: its packages still get
// their ecosystem's purl, with the host as repository_url, so that policy
// applies to them); then generic downloads.
func Default() *Set {
	return NewSet(
		DefaultGit(),
		DefaultNPM(),
		DefaultPyPI(),
		DefaultGo(),
		DefaultCargo(),
		DefaultGem(),
		DefaultComposer(),
		DefaultNuGet(),
		DefaultConda(),
		DefaultHuggingFace(),
		DefaultPub(),
		DefaultHex(),
		DefaultCRAN(),
		DefaultCocoaPods(),
		DefaultGitHub(),
		DefaultMaven(),
		DefaultDeb(),
		DefaultOCI(),
		DefaultRPM(),
		DefaultAPK(),
		DefaultHelm(),
		DefaultToolchain(),
		&NPM{anywhere: true},
		&PyPI{anywhere: true},
		&Go{anywhere: true},
		&Cargo{anywhere: true},
		Generic(),
	)
}

// Prepend returns a new Set that asks cs first, then the classifiers of s.
// Extra registries (a rules file's private mirrors) go in front this way.
func (s *Set) Prepend(cs ...Classifier) *Set {
	all := make([]Classifier, 0, len(cs)+len(s.cs))
	all = append(all, cs...)
	all = append(all, s.cs...)
	return NewSet(all...)
}

// Classifiers returns the classifiers of s in the order they are asked.
func (s *Set) Classifiers() []Classifier {
	return append([]Classifier(nil), s.cs...)
}

// Classify returns the finding of the first classifier that recognises r.
// It never fails: a request that no classifier recognises (or whose URL
// cannot be parsed) is KindUnclassified, with its URL kept. A classifier
// that panics is taken as declining r, and the finding's Error says so.
func (s *Set) Classify(r Request) Finding {
	p, parsedOK := parseRequest(r)
	var failure string
	for _, c := range s.cs {
		if _, isParsed := c.(parsedClassifier); isParsed && !parsedOK {
			continue
		}
		f, ok, err := ask(c, r, p)
		if err != nil {
			if failure == "" {
				failure = err.Error()
			}
			continue
		}
		if !ok {
			continue
		}
		f.URL = r.URL
		if f.Ecosystem == "" {
			f.Ecosystem = c.Ecosystem()
		}
		if f.Kind == "" {
			f.Kind = KindUnclassified
		}
		f.Error = failure
		return f
	}
	return Finding{URL: r.URL, Kind: KindUnclassified, Error: failure}
}

// ask asks one classifier about r (through p when it takes a parsed
// request), turning a panic into an error.
func ask(c Classifier, r Request, p *parsed) (f Finding, ok bool, err error) {
	defer func() {
		if v := recover(); v != nil {
			f, ok = Finding{}, false
			err = fmt.Errorf("%s classifier failed on %s: %v", c.Ecosystem(), r.URL, v)
		}
	}()
	if pc, isParsed := c.(parsedClassifier); isParsed {
		f, ok = pc.classify(p)
		return f, ok, nil
	}
	f, ok = c.Classify(r)
	return f, ok, nil
}
