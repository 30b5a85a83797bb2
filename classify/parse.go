package classify

import (
	"net/url"
	"strings"

	"github.com/package-url/packageurl-go"
)

// ParsePURL parses a package URL as depaudit writes them. It is
// packageurl.FromString except for Go modules, whose namespace and name
// keep their case: packageurl-go lower-cases them, following a sentence of
// the purl specification that is disputed for Go (module paths are
// case-sensitive: github.com/BurntSushi/toml is not github.com/burntsushi/toml).
func ParsePURL(s string) (packageurl.PackageURL, error) {
	p, err := packageurl.FromString(s)
	if err != nil || p.Type != packageurl.TypeGolang {
		return p, err
	}
	rest := s[len("pkg:"):]
	rest = strings.TrimLeft(rest, "/")
	_, rest, _ = strings.Cut(rest, "/") // the type
	rest, _, _ = strings.Cut(rest, "#")
	rest, _, _ = strings.Cut(rest, "?")
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		rest = rest[:i]
	}
	segs := strings.Split(strings.Trim(rest, "/"), "/")
	for i, seg := range segs {
		dec, err := url.PathUnescape(seg)
		if err != nil {
			return p, nil // FromString accepted it; keep its reading
		}
		segs[i] = dec
	}
	if len(segs) == 0 || !strings.EqualFold(segs[len(segs)-1], p.Name) {
		return p, nil
	}
	p.Name = segs[len(segs)-1]
	if ns := strings.Join(segs[:len(segs)-1], "/"); strings.EqualFold(ns, p.Namespace) {
		p.Namespace = ns
	}
	return p, nil
}
