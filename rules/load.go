package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
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

// Parse validates data, the content of the rules file named name. The file
// is decoded into typed structs (see doc.go for its layout); every value
// keeps its YAML node, so that each problem is reported with its line,
// column and path ("policy.deny.purls[1]").
func Parse(name string, data []byte) (*Rules, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, syntaxError(name, err)
	}
	// A second document would be silently ignored: refuse it.
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		line, col := next.Line, next.Column
		if len(next.Content) > 0 {
			line, col = next.Content[0].Line, next.Content[0].Column
		}
		return nil, &Error{File: name, Line: line, Column: col, Msg: "a second YAML document: a rules file holds one document (remove the --- separator and merge them)"}
	case !errors.Is(err, io.EOF):
		return nil, syntaxError(name, err)
	}
	r := &Rules{path: name, mode: ModeAudit, policy: policy{unclassified: Allow, generic: Allow, hashChanged: Allow, bypass: Allow, mismatch: Deny}}
	if doc.Kind != 0 && len(doc.Content) > 0 {
		root := deref(doc.Content[0])
		// A file of comments only is an empty document: no rules.
		if !(root.Kind == yaml.ScalarNode && root.Tag == "!!null") {
			var f fileDoc
			if err := root.Decode(&f); err != nil {
				return nil, located(name, root, err)
			}
			if err := f.build(r, root); err != nil {
				return nil, located(name, root, err)
			}
		}
	}
	cs := make([]classify.Classifier, 0, len(r.registries))
	for _, reg := range r.registries {
		c, err := newClassifier(reg)
		if err != nil {
			// Checked while decoding; kept for safety.
			return nil, &Error{File: name, Msg: err.Error()}
		}
		cs = append(cs, c)
	}
	r.set = classify.Default().Prepend(cs...)
	return r, nil
}

// syntaxError reports a file that is not valid YAML.
func syntaxError(name string, err error) error {
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
	return &Error{File: name, Line: line, Msg: "not valid YAML: " + msg}
}

// nodeError is a problem with one node of the rules file. The decoding
// types do not know where they stand in the file; Parse names the node
// by its path when it reports the error.
type nodeError struct {
	// at locates the problem.
	at *yaml.Node
	// of is the node whose path the message names (the mapping of an
	// unknown key, the value of a bad one).
	of *yaml.Node
	// msg renders the message given the path of of.
	msg func(path string) string
}

func (e *nodeError) Error() string { return e.msg("?") }

// problem is a nodeError about n, named by its own path, with the message
// path + text (text starts with its separator: " must be…" or ": …").
func problem(n *yaml.Node, format string, a ...any) error {
	text := fmt.Sprintf(format, a...)
	return &nodeError{at: n, of: n, msg: func(path string) string { return path + text }}
}

// located turns an error of decoding root into a *Error with the file
// name, the position and the path of the node it is about.
func located(file string, root *yaml.Node, err error) error {
	var ne *nodeError
	if errors.As(err, &ne) {
		path := pathOf(root, ne.of)
		if path == "" {
			path = "the rules file"
		}
		return &Error{File: file, Line: ne.at.Line, Column: ne.at.Column, Msg: ne.msg(path)}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		// Every value is checked by its own type; kept for safety.
		return &Error{File: file, Msg: strings.Join(te.Errors, "; ")}
	}
	return &Error{File: file, Msg: err.Error()}
}

// pathOf names target by its path from root, as the rules' names spell it
// ("policy.deny.purls[1]", "registries[0].url"); "" for root itself or a
// node not under it.
func pathOf(root, target *yaml.Node) string {
	var walk func(n *yaml.Node, path string, depth int) (string, bool)
	walk = func(n *yaml.Node, path string, depth int) (string, bool) {
		if n == target {
			return path, true
		}
		if depth > 32 {
			return "", false
		}
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], deref(n.Content[i+1])
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if k == target {
					return p, true
				}
				if found, ok := walk(v, p, depth+1); ok {
					return found, true
				}
			}
		case yaml.SequenceNode:
			for i, item := range n.Content {
				if found, ok := walk(deref(item), fmt.Sprintf("%s[%d]", path, i), depth+1); ok {
					return found, true
				}
			}
		}
		return "", false
	}
	p, _ := walk(root, "", 0)
	return p
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

// decodeMapping decodes the mapping n into v, a pointer to a struct whose
// fields are tagged `yaml:"key"`: n must be a mapping whose keys are all
// fields of v, each given once. Each field's own type checks its value.
func decodeMapping(n *yaml.Node, v any) error {
	n = deref(n)
	t := reflect.TypeOf(v).Elem()
	var known []string
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); tag != "" && tag != "-" {
			known = append(known, tag)
		}
	}
	keys := strings.Join(known, ", ")
	if n.Kind != yaml.MappingNode {
		return problem(n, " must be a mapping with the keys %s, not %s", keys, kindName(n))
	}
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k.Kind != yaml.ScalarNode {
			return &nodeError{at: k, of: n, msg: func(path string) string { return path + ": keys must be plain words" }}
		}
		if !slices.Contains(known, k.Value) {
			key := k.Value
			return &nodeError{at: k, of: n, msg: func(path string) string {
				return fmt.Sprintf("unknown key %q in %s (known keys: %s)", key, path, keys)
			}}
		}
		if line, dup := seen[k.Value]; dup {
			key := k.Value
			return &nodeError{at: k, of: n, msg: func(path string) string {
				return fmt.Sprintf("%s: key %q already given at line %d", path, key, line)
			}}
		}
		seen[k.Value] = k.Line
		// The decoder leaves a field alone for an empty value, without
		// asking its type: ask it, so that "mode:" with nothing after it
		// is an error and "hosts:" an empty list.
		if val := deref(n.Content[i+1]); val.Kind == yaml.ScalarNode && val.Tag == "!!null" {
			field, _ := t.FieldByNameFunc(func(name string) bool {
				f, _ := t.FieldByName(name)
				tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
				return tag == k.Value
			})
			ft := field.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if u, ok := reflect.New(ft).Interface().(yaml.Unmarshaler); ok {
				if err := u.UnmarshalYAML(val); err != nil {
					return err
				}
			}
		}
	}
	return n.Decode(v)
}

// scalar is a string value with its node.
type scalar struct {
	value string
	node  *yaml.Node
}

// UnmarshalYAML accepts a string, and nothing that YAML reads as another
// type (a number, a boolean) unless it is quoted.
func (s *scalar) UnmarshalYAML(n *yaml.Node) error {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return problem(n, " must be a string, not %s", kindName(n))
	}
	if n.Tag != "!!str" {
		return problem(n, " must be a string, not %s (quote it)", kindName(n))
	}
	*s = scalar{value: n.Value, node: n}
	return nil
}

// list is a YAML list of T, each item with its node; *T decodes itself
// (it implements yaml.Unmarshaler).
type list[T any] struct {
	items []T
	nodes []*yaml.Node
}

// decodeList decodes the sequence n item by item; an empty value is an
// empty list. example shows the list's form in the message of a value
// that is not a list.
func decodeList[T any](n *yaml.Node, l *list[T], example string) error {
	n = deref(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil // "hosts:" with nothing after it: an empty list
	}
	if n.Kind != yaml.SequenceNode {
		return problem(n, " must be a list, such as %s, not %s", example, kindName(n))
	}
	for _, item := range n.Content {
		item = deref(item)
		var v T
		var err error
		if u, ok := any(&v).(yaml.Unmarshaler); ok {
			// Asked directly: the decoder would leave an empty item alone.
			err = u.UnmarshalYAML(item)
		} else {
			err = item.Decode(&v)
		}
		if err != nil {
			return err
		}
		l.items = append(l.items, v)
		l.nodes = append(l.nodes, item)
	}
	return nil
}

// fileDoc is a rules file.
type fileDoc struct {
	Mode        *modeValue      `yaml:"mode"`
	Registries  registryList    `yaml:"registries"`
	Policy      *policyDoc      `yaml:"policy"`
	Sealed      *sealedFlag     `yaml:"sealed"`
	SealedAllow sealedAllowList `yaml:"sealed_allow"`
	Hashes      hashList        `yaml:"hashes"`
}

// hashEntry is one digest every body of a build gets: sha256 (always
// computed), sha512 or sha1.
type hashEntry struct{ scalar }

func (e *hashEntry) UnmarshalYAML(n *yaml.Node) error {
	if err := e.scalar.UnmarshalYAML(n); err != nil {
		return err
	}
	if !slices.Contains(hashNames, e.value) {
		return problem(e.node, " must be one of %s, not %q", strings.Join(hashNames, ", "), e.value)
	}
	return nil
}

// hashNames are the digests "hashes" may name.
var hashNames = []string{"sha256", "sha512", "sha1"}

type hashList struct{ list[hashEntry] }

func (l *hashList) UnmarshalYAML(n *yaml.Node) error {
	return decodeList(n, &l.list, "[sha256, sha512]")
}

// sealedFlag is "sealed": true or false.
type sealedFlag struct{ value bool }

func (f *sealedFlag) UnmarshalYAML(n *yaml.Node) error {
	n = deref(n)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		return problem(n, " must be true or false, not %s", kindName(n))
	}
	f.value = n.Value == "true"
	return nil
}

// sealedAllowEntry is one destination a sealed build may reach directly.
type sealedAllowEntry struct{ scalar }

func (e *sealedAllowEntry) UnmarshalYAML(n *yaml.Node) error {
	if err := e.scalar.UnmarshalYAML(n); err != nil {
		return err
	}
	if !strings.Contains(e.value, "://") {
		return problem(e.node, " must be SCHEME://HOST:PORT, such as ssh://github.com:22, not %q", e.value)
	}
	return nil
}

type sealedAllowList struct{ list[sealedAllowEntry] }

func (l *sealedAllowList) UnmarshalYAML(n *yaml.Node) error {
	return decodeList(n, &l.list, `["ssh://github.com:22", "tcp://10.0.0.5:5432"]`)
}

func (f *fileDoc) UnmarshalYAML(n *yaml.Node) error {
	type plain fileDoc
	return decodeMapping(n, (*plain)(f))
}

// modeValue is the file's mode.
type modeValue struct{ Mode }

func (m *modeValue) UnmarshalYAML(n *yaml.Node) error {
	var s scalar
	if err := s.UnmarshalYAML(n); err != nil {
		return err
	}
	switch Mode(s.value) {
	case ModeAudit, ModeEnforce:
		m.Mode = Mode(s.value)
		return nil
	}
	return problem(s.node, " must be audit or enforce, not %q", s.value)
}

// UnmarshalYAML reads an action: allow, warn or deny.
func (a *Action) UnmarshalYAML(n *yaml.Node) error {
	var s scalar
	if err := s.UnmarshalYAML(n); err != nil {
		return err
	}
	switch Action(s.value) {
	case Allow, Warn, Deny:
		*a = Action(s.value)
		return nil
	}
	return problem(s.node, " must be allow, warn or deny, not %q", s.value)
}

// registryDoc is one entry of registries.
type registryDoc struct {
	URL       *scalar        `yaml:"url"`
	Ecosystem *ecosystemName `yaml:"ecosystem"`
	node      *yaml.Node
}

func (d *registryDoc) UnmarshalYAML(n *yaml.Node) error {
	type plain registryDoc
	if err := decodeMapping(n, (*plain)(d)); err != nil {
		return err
	}
	d.node = deref(n)
	return nil
}

// registryEcosystems are the layouts a registries entry may name.
var registryEcosystems = []string{classify.EcosystemNPM, classify.EcosystemPyPI, classify.EcosystemGo, classify.EcosystemMaven, classify.EcosystemCargo,
	classify.EcosystemDeb, classify.EcosystemOCI, classify.EcosystemRPM, classify.EcosystemAPK,
	classify.EcosystemGem, classify.EcosystemComposer, classify.EcosystemNuGet, classify.EcosystemConda}

// ecosystemName is the layout of an extra registry.
type ecosystemName struct{ scalar }

func (e *ecosystemName) UnmarshalYAML(n *yaml.Node) error {
	if err := e.scalar.UnmarshalYAML(n); err != nil {
		return err
	}
	if !slices.Contains(registryEcosystems, e.value) {
		return problem(e.node, " must be one of %s, not %q", strings.Join(registryEcosystems, ", "), e.value)
	}
	return nil
}

// registryList is registries.
type registryList struct{ list[registryDoc] }

func (l *registryList) UnmarshalYAML(n *yaml.Node) error {
	return decodeList(n, &l.list, "[{url: https://npm.corp.example/api/npm/npm-remote/, ecosystem: npm}]")
}

// policyDoc is the policy section.
type policyDoc struct {
	Allow            *listsDoc `yaml:"allow"`
	Deny             *listsDoc `yaml:"deny"`
	Unclassified     *Action   `yaml:"unclassified"`
	GenericDownloads *Action   `yaml:"generic_downloads"`
	HashChanged      *Action   `yaml:"hash_changed"`
	Bypass           *Action   `yaml:"bypass"`
	Mismatch         *Action   `yaml:"mismatch"`
}

func (p *policyDoc) UnmarshalYAML(n *yaml.Node) error {
	type plain policyDoc
	return decodeMapping(n, (*plain)(p))
}

// listsDoc is policy.allow or policy.deny.
type listsDoc struct {
	Hosts      hostList      `yaml:"hosts"`
	Ecosystems ecosystemList `yaml:"ecosystems"`
	PURLs      purlList      `yaml:"purls"`
}

func (l *listsDoc) UnmarshalYAML(n *yaml.Node) error {
	type plain listsDoc
	return decodeMapping(n, (*plain)(l))
}

// hostEntry is one item of a hosts list.
type hostEntry struct {
	scalar
	pattern hostPattern
}

func (h *hostEntry) UnmarshalYAML(n *yaml.Node) error {
	if err := h.scalar.UnmarshalYAML(n); err != nil {
		return err
	}
	p, err := parseHostPattern(h.value)
	if err != nil {
		return problem(h.node, ": %v", err)
	}
	h.pattern = p
	return nil
}

type hostList struct{ list[hostEntry] }

func (l *hostList) UnmarshalYAML(n *yaml.Node) error {
	return decodeList(n, &l.list, `["*.corp.example"]`)
}

// policyEcosystems are the ecosystems the ecosystems lists may name.
var policyEcosystems = []string{classify.EcosystemNPM, classify.EcosystemPyPI, classify.EcosystemGo, classify.EcosystemMaven,
	classify.EcosystemCargo, classify.EcosystemGitHub, classify.EcosystemGem, classify.EcosystemComposer, classify.EcosystemNuGet, classify.EcosystemConda,
	classify.EcosystemToolchain, classify.EcosystemHuggingFace, classify.EcosystemPub, classify.EcosystemHex, classify.EcosystemCRAN,
	classify.EcosystemCocoaPods, classify.EcosystemDeb, classify.EcosystemOCI, classify.EcosystemRPM, classify.EcosystemAPK,
	classify.EcosystemHelm, classify.EcosystemGit}

// ecosystemEntry is one item of an ecosystems list.
type ecosystemEntry struct{ scalar }

func (e *ecosystemEntry) UnmarshalYAML(n *yaml.Node) error {
	if err := e.scalar.UnmarshalYAML(n); err != nil {
		return err
	}
	if e.value == classify.EcosystemGeneric {
		return problem(e.node, ": generic downloads are governed by policy.generic_downloads")
	}
	if !slices.Contains(policyEcosystems, e.value) {
		return problem(e.node, " must be one of %s, not %q", strings.Join(policyEcosystems, ", "), e.value)
	}
	return nil
}

type ecosystemList struct{ list[ecosystemEntry] }

func (l *ecosystemList) UnmarshalYAML(n *yaml.Node) error {
	return decodeList(n, &l.list, "[npm, pypi]")
}

// purlEntry is one item of a purls list.
type purlEntry struct {
	scalar
	pattern purlPattern
}

func (p *purlEntry) UnmarshalYAML(n *yaml.Node) error {
	if err := p.scalar.UnmarshalYAML(n); err != nil {
		return err
	}
	pp, err := parsePURLPattern(p.value)
	if err != nil {
		return problem(p.node, ": %v", err)
	}
	p.pattern = pp
	return nil
}

type purlList struct{ list[purlEntry] }

func (l *purlList) UnmarshalYAML(n *yaml.Node) error {
	return decodeList(n, &l.list, `["pkg:npm/evil-*"]`)
}

// build checks what only the whole file can tell (a registry's URL and
// its uniqueness) and fills r; root names the nodes' paths.
func (f *fileDoc) build(r *Rules, root *yaml.Node) error {
	if f.Mode != nil {
		r.mode = f.Mode.Mode
	}
	if f.Sealed != nil {
		r.sealed = f.Sealed.value
	}
	for _, e := range f.SealedAllow.items {
		r.sealedAllow = append(r.sealedAllow, e.value)
	}
	for _, e := range f.Hashes.items {
		r.hashes = append(r.hashes, e.value)
	}
	seen := map[string]int{}
	for _, d := range f.Registries.items {
		if d.URL == nil {
			return problem(d.node, " needs a url (the registry's base URL, such as https://nexus.corp.example/repository/npm-proxy/)")
		}
		if d.Ecosystem == nil {
			return problem(d.node, " needs an ecosystem (%s)", strings.Join(registryEcosystems, ", "))
		}
		reg := Registry{URL: d.URL.value, Ecosystem: d.Ecosystem.value}
		if !strings.Contains(reg.URL, "://") {
			reg.URL = "https://" + reg.URL
		}
		if _, err := newClassifier(reg); err != nil {
			return problem(d.URL.node, ": %v", err)
		}
		key := reg.Ecosystem + " " + strings.TrimSuffix(reg.URL, "/")
		if line, dup := seen[key]; dup {
			return &nodeError{at: d.URL.node, of: d.node, msg: func(path string) string {
				return fmt.Sprintf("%s: the same %s registry is already given at line %d", path, reg.Ecosystem, line)
			}}
		}
		seen[key] = d.URL.node.Line
		r.registries = append(r.registries, reg)
	}
	if p := f.Policy; p != nil {
		for _, a := range []struct {
			from *Action
			to   *Action
		}{{p.Unclassified, &r.policy.unclassified}, {p.GenericDownloads, &r.policy.generic}, {p.HashChanged, &r.policy.hashChanged}, {p.Bypass, &r.policy.bypass}, {p.Mismatch, &r.policy.mismatch}} {
			if a.from != nil {
				*a.to = *a.from
			}
		}
		if p.Allow != nil {
			p.Allow.fill(&r.policy.allow, root)
		}
		if p.Deny != nil {
			p.Deny.fill(&r.policy.deny, root)
		}
	}
	return nil
}

// fill copies the lists into l, each entry named by its path in root.
func (d *listsDoc) fill(l *lists, root *yaml.Node) {
	for _, e := range d.Hosts.items {
		l.hosts = append(l.hosts, entry[hostPattern]{rule: pathOf(root, e.node), written: e.value, value: e.pattern})
	}
	for _, e := range d.Ecosystems.items {
		l.ecosystems = append(l.ecosystems, entry[string]{rule: pathOf(root, e.node), written: e.value, value: e.value})
	}
	for _, e := range d.PURLs.items {
		l.purls = append(l.purls, entry[purlPattern]{rule: pathOf(root, e.node), written: e.value, value: e.pattern})
	}
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
	case classify.EcosystemAPK:
		return classify.NewAPK(reg.URL)
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
