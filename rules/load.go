package rules

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/depaudit/depaudit/classify"
)

// Error is what is wrong with a rules file, and where.
type Error struct {
	// File is the rules file's path.
	File string
	// Line and Column locate the problem (1-based); 0 when unknown.
	Line, Column int
	// Msg says what is wrong.
	Msg string
}

// Error formats e as "FILE:LINE:COLUMN: MSG".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		b.WriteString(":" + strconv.Itoa(e.Line))
		if e.Column > 0 {
			b.WriteString(":" + strconv.Itoa(e.Column))
		}
	}
	b.WriteString(": " + e.Msg)
	return b.String()
}

// Load reads and validates the rules file at path.
func Load(path string) (*Rules, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rules file: %w", err)
	}
	return Parse(path, data)
}

// LoadDefault loads DefaultFile from dir when it exists; it returns nil
// and no error when there is none.
func LoadDefault(dir string) (*Rules, error) {
	path := filepath.Join(dir, DefaultFile)
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("rules file: %w", err)
	}
	return Load(path)
}

// syntaxLine finds the line number in the YAML parser's messages.
var syntaxLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// zeroBasedProblems are the YAML parser's (not scanner's) problems, whose
// line go.yaml.in/yaml/v3 reports counted from 0; the scanner's are
// counted from 1.
var zeroBasedProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// contextHints explain the parser problems that are reported at the line
// where the enclosing collection starts rather than where it broke.
var contextHints = map[string]string{
	"did not find expected key":           "in the mapping that starts on this line (check the indentation below it)",
	"did not find expected ',' or ']'":    "in the [ list that starts on this line",
	"did not find expected ',' or '}'":    "in the { mapping that starts on this line",
	"did not find expected '-' indicator": "in the list that starts on this line (check the indentation below it)",
}

// Parse validates data, the content of the rules file named name.
func Parse(name string, data []byte) (*Rules, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		line := 0
		if m := syntaxLine.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = msg[len(m[0]):]
			if slices.Contains(zeroBasedProblems, msg) {
				line++
			}
			if hint, ok := contextHints[msg]; ok {
				msg += " " + hint
			}
		}
		msg = strings.TrimPrefix(msg, "yaml: ")
		return nil, &Error{File: name, Line: line, Msg: "not valid YAML: " + msg}
	}
	p := &parser{file: name}
	r := &Rules{path: name, mode: ModeAudit, policy: policy{unclassified: Allow, generic: Allow, hashChanged: Allow, bypass: Allow}}
	if doc.Kind != 0 && len(doc.Content) > 0 {
		root := deref(doc.Content[0])
		// A file of comments only is an empty document: no rules.
		if !(root.Kind == yaml.ScalarNode && root.Tag == "!!null") {
			if err := p.root(root, r); err != nil {
				return nil, err
			}
		}
	}
	cs := make([]classify.Classifier, 0, len(r.registries))
	for _, reg := range r.registries {
		c, err := newClassifier(reg)
		if err != nil {
			// Checked while parsing; kept for safety.
			return nil, &Error{File: name, Msg: err.Error()}
		}
		cs = append(cs, c)
	}
	r.set = classify.Default().Prepend(cs...)
	return r, nil
}

// parser walks the YAML tree of one file.
type parser struct {
	file string
}

func (p *parser) errorf(n *yaml.Node, format string, a ...any) error {
	return &Error{File: p.file, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf(format, a...)}
}

// deref follows YAML aliases.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// kindName names a node's kind for error messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "something else"
}

// mapping calls fn for each key of the mapping n, in order. Keys not in
// known are errors, as are duplicates.
func (p *parser) mapping(n *yaml.Node, where string, known []string, fn func(key string, k, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return p.errorf(n, "%s must be a mapping with the keys %s, not %s", where, strings.Join(known, ", "), kindName(n))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return p.errorf(k, "%s: keys must be plain words", where)
		}
		if !slices.Contains(known, k.Value) {
			return p.errorf(k, "unknown key %q in %s (known keys: %s)", k.Value, where, strings.Join(known, ", "))
		}
		if line, dup := seen[k.Value]; dup {
			return p.errorf(k, "%s: key %q already given at line %d", where, k.Value, line)
		}
		seen[k.Value] = k.Line
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

// str returns the string value of a scalar node.
func (p *parser) str(n *yaml.Node, where string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.errorf(n, "%s must be a string, not %s", where, kindName(n))
	}
	if n.Tag != "!!str" {
		return "", p.errorf(n, "%s must be a string, not %s (quote it)", where, kindName(n))
	}
	return n.Value, nil
}

// list calls fn for each item of the sequence n.
func (p *parser) list(n *yaml.Node, where, example string, fn func(i int, item *yaml.Node) error) error {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil // "hosts:" with nothing after it: an empty list
	}
	if n.Kind != yaml.SequenceNode {
		return p.errorf(n, "%s must be a list, such as %s, not %s", where, example, kindName(n))
	}
	for i, item := range n.Content {
		if err := fn(i, deref(item)); err != nil {
			return err
		}
	}
	return nil
}

func (p *parser) root(n *yaml.Node, r *Rules) error {
	return p.mapping(n, "the rules file", []string{"mode", "registries", "policy", "sealed", "sealed_allow"}, func(key string, _, v *yaml.Node) error {
		switch key {
		case "sealed":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
				return p.errorf(v, "sealed must be true or false, not %s", kindName(v))
			}
			r.sealed = v.Value == "true"
		case "sealed_allow":
			return p.list(v, "sealed_allow", `["ssh://github.com:22", "tcp://10.0.0.5:5432"]`, func(i int, item *yaml.Node) error {
				s, err := p.str(item, fmt.Sprintf("sealed_allow[%d]", i))
				if err != nil {
					return err
				}
				if !strings.Contains(s, "://") {
					return p.errorf(item, "sealed_allow[%d] must be SCHEME://HOST:PORT, such as ssh://github.com:22, not %q", i, s)
				}
				r.sealedAllow = append(r.sealedAllow, s)
				return nil
			})
		case "mode":
			s, err := p.str(v, "mode")
			if err != nil {
				return err
			}
			switch Mode(s) {
			case ModeAudit, ModeEnforce:
				r.mode = Mode(s)
			default:
				return p.errorf(v, "mode must be audit or enforce, not %q", s)
			}
		case "registries":
			return p.registries(v, r)
		case "policy":
			return p.policy(v, &r.policy)
		}
		return nil
	})
}

// registryEcosystems are the layouts a registries entry may name.
var registryEcosystems = []string{classify.EcosystemNPM, classify.EcosystemPyPI, classify.EcosystemGo, classify.EcosystemMaven, classify.EcosystemCargo,
	classify.EcosystemDeb, classify.EcosystemOCI, classify.EcosystemRPM,
	classify.EcosystemGem, classify.EcosystemComposer, classify.EcosystemNuGet, classify.EcosystemConda}

func (p *parser) registries(n *yaml.Node, r *Rules) error {
	seen := map[string]int{}
	return p.list(n, "registries", "[{url: https://npm.corp.example/api/npm/npm-remote/, ecosystem: npm}]", func(i int, item *yaml.Node) error {
		where := fmt.Sprintf("registries[%d]", i)
		var reg Registry
		var urlNode *yaml.Node
		err := p.mapping(item, where, []string{"url", "ecosystem"}, func(key string, _, v *yaml.Node) error {
			s, err := p.str(v, where+"."+key)
			if err != nil {
				return err
			}
			switch key {
			case "url":
				urlNode = v
				reg.URL = s
			case "ecosystem":
				if !slices.Contains(registryEcosystems, s) {
					return p.errorf(v, "%s.ecosystem must be one of %s, not %q", where, strings.Join(registryEcosystems, ", "), s)
				}
				reg.Ecosystem = s
			}
			return nil
		})
		if err != nil {
			return err
		}
		if urlNode == nil {
			return p.errorf(item, "%s needs a url (the registry's base URL, such as https://nexus.corp.example/repository/npm-proxy/)", where)
		}
		if reg.Ecosystem == "" {
			return p.errorf(item, "%s needs an ecosystem (%s)", where, strings.Join(registryEcosystems, ", "))
		}
		if !strings.Contains(reg.URL, "://") {
			reg.URL = "https://" + reg.URL
		}
		if _, err := newClassifier(reg); err != nil {
			return p.errorf(urlNode, "%s.url: %v", where, err)
		}
		key := reg.Ecosystem + " " + strings.TrimSuffix(reg.URL, "/")
		if line, dup := seen[key]; dup {
			return p.errorf(urlNode, "%s: the same %s registry is already given at line %d", where, reg.Ecosystem, line)
		}
		seen[key] = urlNode.Line
		r.registries = append(r.registries, reg)
		return nil
	})
}

// newClassifier makes the classifier of an extra registry.
func newClassifier(reg Registry) (classify.Classifier, error) {
	switch reg.Ecosystem {
	case classify.EcosystemNPM:
		return classify.NewNPM(reg.URL)
	case classify.EcosystemPyPI:
		return classify.NewPyPI(reg.URL)
	case classify.EcosystemGo:
		return classify.NewGo(reg.URL)
	case classify.EcosystemMaven:
		return classify.NewMaven(reg.URL)
	case classify.EcosystemCargo:
		return classify.NewCargo(reg.URL)
	case classify.EcosystemDeb:
		return classify.NewDeb(reg.URL)
	case classify.EcosystemOCI:
		return classify.NewOCI(reg.URL)
	case classify.EcosystemRPM:
		return classify.NewRPM(reg.URL)
	case classify.EcosystemGem:
		return classify.NewGem(reg.URL)
	case classify.EcosystemComposer:
		return classify.NewComposer(reg.URL)
	case classify.EcosystemNuGet:
		return classify.NewNuGet(reg.URL)
	case classify.EcosystemConda:
		return classify.NewConda(reg.URL)
	}
	return nil, fmt.Errorf("unknown ecosystem %q", reg.Ecosystem)
}

func (p *parser) policy(n *yaml.Node, pol *policy) error {
	known := []string{"allow", "deny", "unclassified", "generic_downloads", "hash_changed", "bypass"}
	return p.mapping(n, "policy", known, func(key string, _, v *yaml.Node) error {
		switch key {
		case "allow":
			return p.lists(v, "policy.allow", &pol.allow)
		case "deny":
			return p.lists(v, "policy.deny", &pol.deny)
		case "unclassified":
			return p.action(v, "policy.unclassified", &pol.unclassified)
		case "generic_downloads":
			return p.action(v, "policy.generic_downloads", &pol.generic)
		case "hash_changed":
			return p.action(v, "policy.hash_changed", &pol.hashChanged)
		case "bypass":
			return p.action(v, "policy.bypass", &pol.bypass)
		}
		return nil
	})
}

func (p *parser) action(n *yaml.Node, where string, a *Action) error {
	s, err := p.str(n, where)
	if err != nil {
		return err
	}
	switch Action(s) {
	case Allow, Warn, Deny:
		*a = Action(s)
		return nil
	}
	return p.errorf(n, "%s must be allow, warn or deny, not %q", where, s)
}

// policyEcosystems are the ecosystems the ecosystems lists may name.
var policyEcosystems = []string{classify.EcosystemNPM, classify.EcosystemPyPI, classify.EcosystemGo, classify.EcosystemMaven,
	classify.EcosystemCargo, classify.EcosystemGitHub, classify.EcosystemGem, classify.EcosystemComposer, classify.EcosystemNuGet, classify.EcosystemConda,
	classify.EcosystemToolchain}

func (p *parser) lists(n *yaml.Node, where string, l *lists) error {
	return p.mapping(n, where, []string{"hosts", "ecosystems", "purls"}, func(key string, _, v *yaml.Node) error {
		lw := where + "." + key
		switch key {
		case "hosts":
			return p.list(v, lw, `["*.corp.example"]`, func(i int, item *yaml.Node) error {
				s, err := p.str(item, fmt.Sprintf("%s[%d]", lw, i))
				if err != nil {
					return err
				}
				hp, err := parseHostPattern(s)
				if err != nil {
					return p.errorf(item, "%s[%d]: %v", lw, i, err)
				}
				l.hosts = append(l.hosts, entry[hostPattern]{rule: fmt.Sprintf("%s[%d]", lw, i), written: s, value: hp})
				return nil
			})
		case "ecosystems":
			return p.list(v, lw, "[npm, pypi]", func(i int, item *yaml.Node) error {
				s, err := p.str(item, fmt.Sprintf("%s[%d]", lw, i))
				if err != nil {
					return err
				}
				if s == classify.EcosystemGeneric {
					return p.errorf(item, "%s[%d]: generic downloads are governed by policy.generic_downloads", lw, i)
				}
				if !slices.Contains(policyEcosystems, s) {
					return p.errorf(item, "%s[%d] must be one of %s, not %q", lw, i, strings.Join(policyEcosystems, ", "), s)
				}
				l.ecosystems = append(l.ecosystems, entry[string]{rule: fmt.Sprintf("%s[%d]", lw, i), written: s, value: s})
				return nil
			})
		case "purls":
			return p.list(v, lw, `["pkg:npm/evil-*"]`, func(i int, item *yaml.Node) error {
				s, err := p.str(item, fmt.Sprintf("%s[%d]", lw, i))
				if err != nil {
					return err
				}
				pp, err := parsePURLPattern(s)
				if err != nil {
					return p.errorf(item, "%s[%d]: %v", lw, i, err)
				}
				l.purls = append(l.purls, entry[purlPattern]{rule: fmt.Sprintf("%s[%d]", lw, i), written: s, value: pp})
				return nil
			})
		}
		return nil
	})
}
