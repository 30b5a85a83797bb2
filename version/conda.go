package version

import (
	"math/big"
	"regexp"
	"strings"
	"sync"
)

// condaPartRE splits a version component into runs of digits, stars and
// other characters (conda's version_split_re).
var condaPartRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[0-9]+|[*]+|[^0-9*]+`) })

// condaPart is one run of a component: a number, a word, or "post" (which
// sorts after everything).
type condaPart struct {
	num  *big.Int
	word string
	post bool
}

// compareConda orders conda versions as conda's VersionOrder does: an
// optional epoch ("1!"), components split at "." and "_", each cut into
// numbers and words; words sort before numbers and among themselves
// without regard to case, "dev" before any other word, "post" after
// everything; a missing component or part reads as 0 ("1.1" == "1.1.0");
// the local version after "+" breaks ties.
func compareConda(a, b string) (int, bool) {
	va, la, ok := parseConda(a)
	if !ok {
		return 0, false
	}
	vb, lb, ok := parseConda(b)
	if !ok {
		return 0, false
	}
	if c := compareCondaComponents(va, vb); c != 0 {
		return c, true
	}
	return compareCondaComponents(la, lb), true
}

// parseConda reads a version into its components (epoch first) and its
// local components.
func parseConda(v string) (version, local [][]condaPart, ok bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" || strings.ContainsAny(v, " \t-<>=,|") {
		return nil, nil, false
	}
	epoch := "0"
	if e, rest, found := strings.Cut(v, "!"); found {
		if !allDigits(e) || strings.Contains(rest, "!") {
			return nil, nil, false
		}
		epoch, v = e, rest
	}
	main, loc, hasLocal := strings.Cut(v, "+")
	if main == "" || (hasLocal && (loc == "" || strings.Contains(loc, "+"))) {
		return nil, nil, false
	}
	var split []string
	if strings.HasSuffix(main, "_") {
		// openssl-like versions: a trailing "_" stays with the last component.
		split = strings.Split(strings.ReplaceAll(main[:len(main)-1], "_", "."), ".")
		split[len(split)-1] += "_"
	} else {
		split = strings.Split(strings.ReplaceAll(main, "_", "."), ".")
	}
	version, ok = condaComponents(append([]string{epoch}, split...))
	if !ok {
		return nil, nil, false
	}
	if hasLocal {
		if local, ok = condaComponents(strings.Split(strings.ReplaceAll(loc, "_", "."), ".")); !ok {
			return nil, nil, false
		}
	}
	return version, local, true
}

func condaComponents(comps []string) ([][]condaPart, bool) {
	out := make([][]condaPart, 0, len(comps))
	for _, c := range comps {
		runs := condaPartRE().FindAllString(c, -1)
		if len(runs) == 0 {
			return nil, false
		}
		parts := make([]condaPart, 0, len(runs)+1)
		for _, r := range runs {
			switch {
			case allDigits(r):
				n, _ := new(big.Int).SetString(r, 10)
				parts = append(parts, condaPart{num: n})
			case r == "post":
				parts = append(parts, condaPart{post: true})
			case r == "dev":
				parts = append(parts, condaPart{word: "DEV"}) // before "_" and any letter
			default:
				parts = append(parts, condaPart{word: r})
			}
		}
		if parts[0].num == nil {
			parts = append([]condaPart{{num: new(big.Int)}}, parts...)
		}
		out = append(out, parts)
	}
	return out, true
}

var condaZero = []condaPart{{num: new(big.Int)}}

func compareCondaComponents(a, b [][]condaPart) int {
	for i := 0; i < max(len(a), len(b)); i++ {
		ca, cb := condaZero, condaZero
		if i < len(a) {
			ca = a[i]
		}
		if i < len(b) {
			cb = b[i]
		}
		for j := 0; j < max(len(ca), len(cb)); j++ {
			pa, pb := condaZero[0], condaZero[0]
			if j < len(ca) {
				pa = ca[j]
			}
			if j < len(cb) {
				pb = cb[j]
			}
			if c := compareCondaPart(pa, pb); c != 0 {
				return c
			}
		}
	}
	return 0
}

func compareCondaPart(a, b condaPart) int {
	switch {
	case a.post || b.post:
		if a.post && b.post {
			return 0
		}
		if a.post {
			return 1
		}
		return -1
	case a.num != nil && b.num != nil:
		return a.num.Cmp(b.num)
	case a.num != nil:
		return 1 // words sort before numbers
	case b.num != nil:
		return -1
	}
	return strings.Compare(a.word, b.word)
}
