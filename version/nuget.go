package version

import (
	"strings"
)

// compareNuGet orders NuGet versions as NuGet.Versioning does: SemVer 2.0.0
// extended to the legacy four-part form (1.2.3.4), missing parts read as 0
// ("1.0" == "1.0.0.0"), pre-release labels compared without regard to
// case ("1.0.0-Beta" == "1.0.0-beta"), build metadata ignored.
func compareNuGet(a, b string) (int, bool) {
	na, pa, ok := parseNuGet(a)
	if !ok {
		return 0, false
	}
	nb, pb, ok := parseNuGet(b)
	if !ok {
		return 0, false
	}
	for i := range na {
		if c := compareDigits(na[i], nb[i]); c != 0 {
			return c, true
		}
	}
	switch {
	case len(pa) == 0 && len(pb) == 0:
		return 0, true
	case len(pa) == 0:
		return 1, true
	case len(pb) == 0:
		return -1, true
	}
	for i := 0; i < min(len(pa), len(pb)); i++ {
		l, r := pa[i], pb[i]
		ln, rn := allDigits(l), allDigits(r)
		var c int
		switch {
		case ln && rn:
			c = compareDigits(strings.TrimLeft(l, "0"), strings.TrimLeft(r, "0"))
		case ln:
			c = -1
		case rn:
			c = 1
		default:
			c = strings.Compare(strings.ToLower(l), strings.ToLower(r))
		}
		if c != 0 {
			return c, true
		}
	}
	return cmpInt(len(pa), len(pb)), true
}

// parseNuGet splits a version into four numbers (without leading zeros)
// and its pre-release labels.
func parseNuGet(v string) (nums [4]string, pre []string, ok bool) {
	v = strings.TrimSpace(v)
	v, _, _ = strings.Cut(v, "+")
	core, release, hasPre := strings.Cut(v, "-")
	parts := strings.Split(core, ".")
	if len(parts) < 1 || len(parts) > 4 {
		return nums, nil, false
	}
	for i := range nums {
		nums[i] = "0"
		if i >= len(parts) {
			continue
		}
		if !allDigits(parts[i]) {
			return nums, nil, false
		}
		if t := strings.TrimLeft(parts[i], "0"); t != "" {
			nums[i] = t
		}
	}
	if hasPre {
		pre = strings.Split(release, ".")
		for _, l := range pre {
			if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
				return nums, nil, false
			}
		}
	}
	return nums, pre, true
}

// allDigits reports a non-empty string of ASCII digits.
func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
