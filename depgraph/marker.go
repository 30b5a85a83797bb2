package depgraph

import (
	"strings"

	pep440 "github.com/aquasecurity/go-pep440-version"
)

// truth is a marker's value: true, false, or not decided by what is known.
type truth int

const (
	unknown truth = iota
	yes
	no
)

// versionVariables are the marker variables compared as PEP 440 versions.
var versionVariables = map[string]bool{"python_version": true, "python_full_version": true, "implementation_version": true}

// evalMarker evaluates a PEP 508 environment marker with env's variables
// and extras (normalised names) as the values of "extra". A variable env
// lacks, and a marker that does not parse, are unknown.
func evalMarker(marker string, env map[string]string, extras map[string]bool) truth {
	m := &markerParser{toks: markerTokens(marker), env: env, extras: extras}
	t := m.or()
	if m.bad || m.pos != len(m.toks) {
		return unknown
	}
	return t
}

// markerTokens splits a marker into tokens: parentheses, quoted strings
// (kept with their quote), operators and words.
func markerTokens(s string) []string {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		case c == '"' || c == '\'':
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return append(toks, s[i:]+"\x00") // unterminated: a bad token
			}
			toks = append(toks, s[i:i+end+2])
			i += end + 2
		case strings.ContainsRune("<>=!~", rune(c)):
			j := i
			for j < len(s) && strings.ContainsRune("<>=!~", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t()\"'<>=!~", rune(s[j])) {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks
}

// markerParser evaluates a marker's tokens by recursive descent.
type markerParser struct {
	toks   []string
	pos    int
	bad    bool
	env    map[string]string
	extras map[string]bool
}

func (m *markerParser) peek() string {
	if m.pos < len(m.toks) {
		return m.toks[m.pos]
	}
	return ""
}

func (m *markerParser) next() string {
	t := m.peek()
	if m.pos < len(m.toks) {
		m.pos++
	} else {
		m.bad = true
	}
	return t
}

func (m *markerParser) or() truth {
	t := m.and()
	for m.peek() == "or" && !m.bad {
		m.next()
		u := m.and()
		switch {
		case t == yes || u == yes:
			t = yes
		case t == unknown || u == unknown:
			t = unknown
		default:
			t = no
		}
	}
	return t
}

func (m *markerParser) and() truth {
	t := m.atom()
	for m.peek() == "and" && !m.bad {
		m.next()
		u := m.atom()
		switch {
		case t == no || u == no:
			t = no
		case t == unknown || u == unknown:
			t = unknown
		default:
			t = yes
		}
	}
	return t
}

func (m *markerParser) atom() truth {
	if m.peek() == "(" {
		m.next()
		t := m.or()
		if m.next() != ")" {
			m.bad = true
		}
		return t
	}
	left := m.next()
	op := m.next()
	if op == "not" {
		if m.next() != "in" {
			m.bad = true
			return unknown
		}
		op = "not in"
	}
	right := m.next()
	if m.bad {
		return unknown
	}
	return m.compare(left, op, right)
}

// value returns a token's value: a string's content, a variable's value;
// variable is the variable's name, "" for a string.
func (m *markerParser) value(tok string) (v, variable string, known bool) {
	if len(tok) >= 2 && (tok[0] == '"' || tok[0] == '\'') && tok[len(tok)-1] == tok[0] {
		return tok[1 : len(tok)-1], "", true
	}
	if tok == "" || strings.ContainsAny(tok, "\"'\x00") {
		m.bad = true
		return "", "", false
	}
	v, known = m.env[tok]
	return v, tok, known
}

func (m *markerParser) compare(ltok, op, rtok string) truth {
	if ltok == "extra" || rtok == "extra" {
		other := rtok
		if rtok == "extra" {
			other = ltok
		}
		name, _, _ := m.value(other)
		switch op {
		case "==":
			return boolTruth(m.extras[normalPyPIName(name)])
		case "!=":
			return boolTruth(!m.extras[normalPyPIName(name)])
		}
		return unknown
	}
	l, lvar, lok := m.value(ltok)
	r, rvar, rok := m.value(rtok)
	if m.bad || !lok || !rok {
		return unknown
	}
	switch op {
	case "in":
		return boolTruth(strings.Contains(r, l))
	case "not in":
		return boolTruth(!strings.Contains(r, l))
	}
	if versionVariables[lvar] || versionVariables[rvar] {
		// A version comparison: "VERSION OP SPEC" as a PEP 440 specifier.
		have, spec := l, r
		if versionVariables[rvar] && !versionVariables[lvar] {
			have, spec, op = r, l, flip(op)
		}
		v, err := pep440.Parse(have)
		if err != nil {
			return unknown
		}
		ss, err := pep440.NewSpecifiers(op+spec, pep440.WithPreRelease(true))
		if err != nil {
			return unknown
		}
		return boolTruth(ss.Check(v))
	}
	switch op {
	case "==", "===":
		return boolTruth(l == r)
	case "!=":
		return boolTruth(l != r)
	}
	return unknown
}

// flip is the operator that keeps a comparison true with its sides swapped.
func flip(op string) string {
	switch op {
	case "<":
		return ">"
	case ">":
		return "<"
	case "<=":
		return ">="
	case ">=":
		return "<="
	}
	return op
}

func boolTruth(b bool) truth {
	if b {
		return yes
	}
	return no
}
