package version

import "strings"

// compareCRAN orders R package versions as R's package_version does:
// numbers separated by "." or "-", compared as numbers ("1.0-10" >
// "1.0-9"), a missing one sorting first ("1.0" < "1.0-0").
func compareCRAN(a, b string) (int, bool) {
	pa, ok := cranParts(a)
	if !ok {
		return 0, false
	}
	pb, ok := cranParts(b)
	if !ok {
		return 0, false
	}
	for i := 0; i < min(len(pa), len(pb)); i++ {
		if c := compareDigits(pa[i], pb[i]); c != 0 {
			return c, true
		}
	}
	return cmpInt(len(pa), len(pb)), true
}

// cranParts splits a version into numbers without leading zeros.
func cranParts(v string) ([]string, bool) {
	parts := strings.FieldsFunc(strings.TrimSpace(v), func(r rune) bool { return r == '.' || r == '-' })
	if len(parts) == 0 || strings.Contains(v, "..") || strings.Contains(v, "--") {
		return nil, false
	}
	for i, p := range parts {
		if !allDigits(p) {
			return nil, false
		}
		if t := strings.TrimLeft(p, "0"); t != "" {
			parts[i] = t
		} else {
			parts[i] = "0"
		}
	}
	return parts, true
}
