package bomdiff

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/internal/urlkey"
	"github.com/depaudit/depaudit/version"
)

// DiffBOMs compares two decoded BOMs. Components are matched by package
// URL without version (falling back to group and name), each version of a
// package separately, and services by name. serialNumber, timestamps,
// bom-ref values, metadata and the order of everything are ignored. It is
// pure: the BOMs are not modified.
func DiffBOMs(old, new *cdx.BOM) Diff {
	return Compare(BOMSide(old), BOMSide(new))
}

// Compare is DiffBOMs over two sides; it modifies neither, and a side can
// be compared again.
func Compare(old, new *Side) Diff {
	oi, ni := old.ix.clone(), new.ix.clone()
	matchLoosely(oi, ni)
	d := Diff{
		Added: []PackageRef{}, Removed: []PackageRef{},
		Upgraded: []VersionChange{}, Downgraded: []VersionChange{}, Changed: []VersionChange{},
		HashChanged: []HashChange{}, VerificationChanged: []VerificationChange{}, URLChanged: []URLChange{},
		ServicesAdded: []ServiceRef{}, ServicesRemoved: []ServiceRef{},
	}
	for _, key := range unionKeys(oi.packages, ni.packages) {
		op, np := oi.packages[key], ni.packages[key]
		switch {
		case op == nil:
			d.Added = append(d.Added, np.refs()...)
		case np == nil:
			d.Removed = append(d.Removed, op.refs()...)
		default:
			d.comparePackage(op, np)
		}
	}
	for _, name := range unionKeys(oi.services, ni.services) {
		oldSvc, newSvc := oi.services[name], ni.services[name]
		switch {
		case oldSvc == nil:
			d.ServicesAdded = append(d.ServicesAdded, *newSvc)
		case newSvc == nil:
			d.ServicesRemoved = append(d.ServicesRemoved, *oldSvc)
		}
	}
	for i := range d.Added {
		d.Added[i].Via = ni.graph.via(d.Added[i].PURL)
	}
	d.sort()
	return d
}

// unionKeys returns the keys of both maps, sorted.
func unionKeys[V any](a, b map[string]V) []string {
	keys := slices.Collect(maps.Keys(a))
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// refs lists every artifact of every version of a package.
func (p *diffPackage) refs() []PackageRef {
	var out []PackageRef
	for _, v := range slices.Sorted(maps.Keys(p.versions)) {
		out = append(out, artifactRefs(p.versions[v])...)
	}
	return out
}

// artifactRefs lists the artifacts of one version, by artifact id.
func artifactRefs(arts map[string]*diffArtifact) []PackageRef {
	var out []PackageRef
	for _, id := range slices.Sorted(maps.Keys(arts)) {
		out = append(out, arts[id].ref)
	}
	return out
}

// comparePackage compares the versions of one package present in both BOMs.
func (d *Diff) comparePackage(op, np *diffPackage) {
	eco := cmp.Or(np.ecosystem, op.ecosystem)
	var oldOnly, newOnly, unchanged []string
	for _, v := range unionKeys(op.versions, np.versions) {
		oa, na := op.versions[v], np.versions[v]
		switch {
		case oa == nil:
			newOnly = append(newOnly, v)
		case na == nil:
			oldOnly = append(oldOnly, v)
		default:
			if d.compareVersion(eco, v, oa, na) {
				unchanged = append(unchanged, v)
			}
		}
	}
	pairs, removed, added := pairVersions(eco, oldOnly, newOnly)
	for _, v := range removed {
		d.Removed = append(d.Removed, artifactRefs(op.versions[v])...)
	}
	for _, v := range added {
		d.Added = append(d.Added, artifactRefs(np.versions[v])...)
	}
	for _, pr := range pairs {
		vc := VersionChange{
			Key: np.key, Ecosystem: eco, Group: np.group, Name: np.name,
			OldVersion: pr[0], NewVersion: pr[1],
			OldPURL: firstPURL(op.versions[pr[0]]), NewPURL: firstPURL(np.versions[pr[1]]),
		}
		c, ok := version.Compare(eco, pr[0], pr[1])
		switch {
		case ok && c < 0:
			d.Upgraded = append(d.Upgraded, vc)
		case ok && c > 0:
			d.Downgraded = append(d.Downgraded, vc)
		default:
			d.Changed = append(d.Changed, vc)
		}
	}
	if n := len(d.URLChanged); d.compareHosts(op, np) {
		// A version fetched from a new host is reported there, not as
		// unchanged too.
		for _, v := range d.URLChanged[n].Versions {
			if slices.Contains(unchanged, v) {
				d.Unchanged--
			}
		}
	}
}

// firstPURL returns the purl of the first artifact of a version.
func firstPURL(arts map[string]*diffArtifact) string {
	for _, id := range slices.Sorted(maps.Keys(arts)) {
		if p := arts[id].ref.PURL; p != "" {
			return p
		}
	}
	return ""
}

// compareVersion compares the artifacts of a version present in both BOMs:
// artifacts with the same id are compared by hash; the others are added or
// removed artifacts. It reports whether the version is unchanged.
func (d *Diff) compareVersion(ecosystem, v string, oa, na map[string]*diffArtifact) bool {
	same := true
	var oldLeft, newLeft []*diffArtifact
	for _, id := range unionKeys(oa, na) {
		o, n := oa[id], na[id]
		switch {
		case o == nil:
			newLeft = append(newLeft, n)
		case n == nil:
			oldLeft = append(oldLeft, o)
		default:
			same = d.compareArtifacts(ecosystem, v, o, n) && same
		}
	}
	// One artifact left on each side, one of them named without a purl
	// (another generator's BOM): the same artifact under two names.
	if len(oldLeft) == 1 && len(newLeft) == 1 && (oldLeft[0].ref.PURL == "" || newLeft[0].ref.PURL == "") {
		same = d.compareArtifacts(ecosystem, v, oldLeft[0], newLeft[0]) && same
		oldLeft, newLeft = nil, nil
	}
	for _, n := range newLeft {
		d.Added = append(d.Added, n.ref)
		same = false
	}
	for _, o := range oldLeft {
		d.Removed = append(d.Removed, o.ref)
		same = false
	}
	if same {
		d.Unchanged++
	}
	return same
}

// compareArtifacts records a hash change between two artifacts of the same
// package version and reports whether they are the same.
func (d *Diff) compareArtifacts(ecosystem, v string, o, n *diffArtifact) bool {
	same := d.compareVerification(o, n)
	deltas := hashDeltas(o, n)
	if len(deltas) == 0 {
		return same
	}
	d.HashChanged = append(d.HashChanged, HashChange{
		PackageRef: n.ref,
		Hashes:     deltas,
		OldURLs:    o.urls,
		NewURLs:    n.urls,
		Mutable:    ecosystem == version.Maven && strings.HasSuffix(strings.ToUpper(v), "-SNAPSHOT"),
	})
	return false
}

// compareVerification records a change of verdict or of Go h1 between two
// artifacts of the same package version (both BOMs recording it) and
// reports whether there was none.
func (d *Diff) compareVerification(o, n *diffArtifact) bool {
	vc := VerificationChange{PackageRef: n.ref}
	if o.verification != "" && n.verification != "" && o.verification != n.verification {
		vc.OldStatus, vc.NewStatus = o.verification, n.verification
	}
	if o.goH1 != "" && n.goH1 != "" && o.goH1 != n.goH1 {
		vc.OldGoH1, vc.NewGoH1 = o.goH1, n.goH1
	}
	if vc.NewStatus == "" && vc.NewGoH1 == "" {
		return true
	}
	d.VerificationChanged = append(d.VerificationChanged, vc)
	return false
}

// hashDeltas returns, for every algorithm both artifacts recorded, the
// digests when the new artifact has one the old one lacks.
func hashDeltas(o, n *diffArtifact) []HashDelta {
	var out []HashDelta
	for alg, nv := range n.hashes {
		ov, ok := o.hashes[alg]
		if !ok || len(ov) == 0 {
			continue
		}
		for _, h := range nv {
			if !slices.Contains(ov, h) {
				out = append(out, HashDelta{Algorithm: alg, Old: ov, New: nv})
				break
			}
		}
	}
	slices.SortFunc(out, func(a, b HashDelta) int { return compareHashAlgorithms(a.Algorithm, b.Algorithm) })
	return out
}

// compareHosts reports a package fetched, in the new BOM, from a host that
// served none of its versions in the old one. Packages without URLs on
// either side (other generators) are not compared.
func (d *Diff) compareHosts(op, np *diffPackage) bool {
	oldHosts := op.hosts()
	if len(oldHosts) == 0 {
		return false
	}
	var newHosts, fresh, versions, urls []string
	for _, v := range slices.Sorted(maps.Keys(np.versions)) {
		for _, id := range slices.Sorted(maps.Keys(np.versions[v])) {
			for _, u := range np.versions[v][id].urls {
				h := urlkey.Host(u)
				if h == "" {
					continue
				}
				if !slices.Contains(newHosts, h) {
					newHosts = append(newHosts, h)
				}
				if slices.ContainsFunc(oldHosts, func(o string) bool { return urlkey.Origin(o) == urlkey.Origin(h) }) {
					// The same host, or an alias of the same registry
					// (registry.yarnpkg.com serves npm's registry).
					continue
				}
				if !slices.Contains(fresh, h) {
					fresh = append(fresh, h)
				}
				if !slices.Contains(versions, v) {
					versions = append(versions, v)
				}
				if !slices.Contains(urls, u) {
					urls = append(urls, u)
				}
			}
		}
	}
	if len(fresh) == 0 {
		return false
	}
	slices.Sort(newHosts)
	slices.Sort(urls)
	d.URLChanged = append(d.URLChanged, URLChange{
		Key: np.key, Ecosystem: np.ecosystem, Group: np.group, Name: np.name,
		OldHosts: oldHosts, NewHosts: newHosts, Versions: versions, NewURLs: urls,
	})
	return true
}

// hosts returns the sorted hosts that served any version of a package.
func (p *diffPackage) hosts() []string {
	var out []string
	for _, arts := range p.versions {
		for _, a := range arts {
			for _, u := range a.urls {
				if h := urlkey.Host(u); h != "" && !slices.Contains(out, h) {
					out = append(out, h)
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

// pairVersions matches the versions only the old BOM has with those only
// the new BOM has: both are merged in version order and each old version is
// paired with a neighbouring new one, so that removing one of several
// versions is a removal and replacing one is an upgrade or downgrade.
func pairVersions(ecosystem string, oldOnly, newOnly []string) (pairs [][2]string, removed, added []string) {
	type item struct {
		v   string
		old bool
	}
	var all []item
	for _, v := range oldOnly {
		all = append(all, item{v, true})
	}
	for _, v := range newOnly {
		all = append(all, item{v, false})
	}
	slices.SortStableFunc(all, func(a, b item) int {
		return cmp.Or(compareVersionsTotal(ecosystem, a.v, b.v), cmp.Compare(boolInt(!a.old), boolInt(!b.old)))
	})
	var stack []item
	for _, it := range all {
		if n := len(stack); n > 0 && stack[n-1].old != it.old {
			top := stack[n-1]
			stack = stack[:n-1]
			if top.old {
				pairs = append(pairs, [2]string{top.v, it.v})
			} else {
				pairs = append(pairs, [2]string{it.v, top.v})
			}
			continue
		}
		stack = append(stack, it)
	}
	for _, it := range stack {
		if it.old {
			removed = append(removed, it.v)
		} else {
			added = append(added, it.v)
		}
	}
	return pairs, removed, added
}

// compareVersionsTotal is a total order on versions: those the ecosystem
// can order first, in its order, then the others as strings.
func compareVersionsTotal(ecosystem, a, b string) int {
	va, vb := version.Valid(ecosystem, a), version.Valid(ecosystem, b)
	switch {
	case va && vb:
		if c, ok := version.Compare(ecosystem, a, b); ok && c != 0 {
			return c
		}
		return strings.Compare(a, b)
	case va:
		return -1
	case vb:
		return 1
	}
	return strings.Compare(a, b)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sort puts every list of the diff in a fixed order.
func (d *Diff) sort() {
	byRef := func(a, b PackageRef) int {
		return cmp.Or(strings.Compare(a.Key, b.Key), compareVersionsTotal(a.Ecosystem, a.Version, b.Version),
			strings.Compare(a.PURL, b.PURL))
	}
	slices.SortFunc(d.Added, byRef)
	slices.SortFunc(d.Removed, byRef)
	byChange := func(a, b VersionChange) int {
		return cmp.Or(strings.Compare(a.Key, b.Key), compareVersionsTotal(a.Ecosystem, a.OldVersion, b.OldVersion),
			compareVersionsTotal(a.Ecosystem, a.NewVersion, b.NewVersion))
	}
	slices.SortFunc(d.Upgraded, byChange)
	slices.SortFunc(d.Downgraded, byChange)
	slices.SortFunc(d.Changed, byChange)
	slices.SortFunc(d.HashChanged, func(a, b HashChange) int { return byRef(a.PackageRef, b.PackageRef) })
	slices.SortFunc(d.VerificationChanged, func(a, b VerificationChange) int { return byRef(a.PackageRef, b.PackageRef) })
	slices.SortFunc(d.URLChanged, func(a, b URLChange) int { return strings.Compare(a.Key, b.Key) })
	byName := func(a, b ServiceRef) int { return strings.Compare(a.Name, b.Name) }
	slices.SortFunc(d.ServicesAdded, byName)
	slices.SortFunc(d.ServicesRemoved, byName)
}

// matchLoosely joins, under one key, a package that one BOM names by
// package URL and the other only by group and name (or by name alone, when
// one side has no group), as long as the match is unambiguous. Packages
// with a purl on both sides are never joined this way.
func matchLoosely(oi, ni *diffIndex) {
	var oldOnly, newOnly []*diffPackage
	for k, p := range oi.packages {
		if _, ok := ni.packages[k]; !ok {
			oldOnly = append(oldOnly, p)
		}
	}
	for k, p := range ni.packages {
		if _, ok := oi.packages[k]; !ok {
			newOnly = append(newOnly, p)
		}
	}
	for _, withGroup := range []bool{true, false} {
		olds := looseIndex(oldOnly, withGroup)
		news := looseIndex(newOnly, withGroup)
		for _, id := range slices.Sorted(maps.Keys(olds)) {
			o, n := olds[id], news[id]
			if len(o) != 1 || len(n) != 1 || o[0].purlKeyed() == n[0].purlKeyed() {
				continue
			}
			if !withGroup && o[0].group != "" && n[0].group != "" {
				continue // two different groups are two packages
			}
			if _, taken := ni.packages[o[0].key]; taken {
				continue
			}
			if _, taken := oi.packages[n[0].key]; taken {
				continue
			}
			// File the old package under the new one's key.
			delete(oi.packages, o[0].key)
			o[0].key = n[0].key
			oi.packages[n[0].key] = o[0]
			oldOnly = slices.DeleteFunc(oldOnly, func(p *diffPackage) bool { return p == o[0] })
			newOnly = slices.DeleteFunc(newOnly, func(p *diffPackage) bool { return p == n[0] })
		}
	}
}

// purlKeyed reports whether a package is named by a package URL.
func (p *diffPackage) purlKeyed() bool { return strings.HasPrefix(p.key, "pkg:") }

// looseIndex groups packages by lower-case group and name (or name alone).
func looseIndex(ps []*diffPackage, withGroup bool) map[string][]*diffPackage {
	out := make(map[string][]*diffPackage)
	for _, p := range ps {
		id := strings.ToLower(p.name)
		if withGroup {
			id = strings.ToLower(p.group) + "/" + id
		}
		out[id] = append(out[id], p)
	}
	return out
}
