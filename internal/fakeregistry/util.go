package fakeregistry

import (
	"sort"

	packageurl "github.com/package-url/packageurl-go"
)

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// purlWith builds a purl whose qualifiers need percent-encoding (a
// download_url), in packageurl-go's canonical form. kv are qualifier
// key/value pairs, in key order.
func purlWith(typ, namespace, name, version string, kv ...string) string {
	var q packageurl.Qualifiers
	for i := 0; i+1 < len(kv); i += 2 {
		q = append(q, packageurl.Qualifier{Key: kv[i], Value: kv[i+1]})
	}
	return packageurl.NewPackageURL(typ, namespace, name, version, q, "").ToString()
}
