package bomdiff

import (
	"slices"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/classify"
)

// dc is a component for diff tests: purl (or group/name when purl is
// empty), version, a SHA-256 digest and a distribution URL, each optional.
type dc struct {
	purl, group, name, version string
	sha256, sha512             string
	url                        string
}

func (c dc) component() cdx.Component {
	out := cdx.Component{Type: cdx.ComponentTypeLibrary, PackageURL: c.purl, Group: c.group, Name: c.name, Version: c.version}
	if out.Name == "" {
		if p, err := classify.ParsePURL(c.purl); err == nil {
			out.Name = p.Name
		}
	}
	var hs []cdx.Hash
	if c.sha256 != "" {
		hs = append(hs, cdx.Hash{Algorithm: cdx.HashAlgoSHA256, Value: c.sha256})
	}
	if c.sha512 != "" {
		hs = append(hs, cdx.Hash{Algorithm: cdx.HashAlgoSHA512, Value: c.sha512})
	}
	if hs != nil {
		out.Hashes = &hs
	}
	if c.url != "" {
		out.ExternalReferences = &[]cdx.ExternalReference{{Type: cdx.ERTypeDistribution, URL: c.url}}
	}
	return out
}

func testBOM(cs []dc, services ...string) *cdx.BOM {
	bom := cdx.NewBOM()
	comps := make([]cdx.Component, 0, len(cs))
	for _, c := range cs {
		comps = append(comps, c.component())
	}
	bom.Components = &comps
	if services != nil {
		var ss []cdx.Service
		for _, s := range services {
			ss = append(ss, cdx.Service{Name: s, Endpoints: &[]string{"https://" + s + "/path?token=secret"}})
		}
		bom.Services = &ss
	}
	return bom
}

// diffLines flattens a diff into "category key old new" lines for tables.
func diffLines(d Diff) []string {
	var out []string
	for _, r := range d.Added {
		out = append(out, "added "+r.Key+" "+r.Version)
	}
	for _, r := range d.Removed {
		out = append(out, "removed "+r.Key+" "+r.Version)
	}
	for _, v := range d.Upgraded {
		out = append(out, "upgraded "+v.Key+" "+v.OldVersion+" "+v.NewVersion)
	}
	for _, v := range d.Downgraded {
		out = append(out, "downgraded "+v.Key+" "+v.OldVersion+" "+v.NewVersion)
	}
	for _, v := range d.Changed {
		out = append(out, "changed "+v.Key+" "+v.OldVersion+" "+v.NewVersion)
	}
	for _, h := range d.HashChanged {
		for _, hd := range h.Hashes {
			out = append(out, "hash_changed "+h.Key+" "+h.Version+" "+string(hd.Algorithm))
		}
	}
	for _, u := range d.URLChanged {
		out = append(out, "url_changed "+u.Key+" "+strings.Join(u.OldHosts, ",")+" "+strings.Join(u.NewHosts, ","))
	}
	for _, s := range d.ServicesAdded {
		out = append(out, "services_added "+s.Name)
	}
	for _, s := range d.ServicesRemoved {
		out = append(out, "services_removed "+s.Name)
	}
	return out
}

const (
	shaA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	shaB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	shaC = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
)

func TestDiffCategories(t *testing.T) {
	npmURL := "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz"
	tests := []struct {
		name          string
		old, new      []dc
		oldSvc        []string
		newSvc        []string
		want          []string
		wantUnchanged int
	}{
		{
			name:          "identical",
			old:           []dc{{purl: "pkg:npm/lodash@4.17.21", sha256: shaA, url: npmURL}},
			new:           []dc{{purl: "pkg:npm/lodash@4.17.21", sha256: shaA, url: npmURL}},
			wantUnchanged: 1,
		},
		{
			name: "added",
			old:  []dc{{purl: "pkg:npm/lodash@4.17.21"}},
			new:  []dc{{purl: "pkg:npm/lodash@4.17.21"}, {purl: "pkg:npm/chalk@5.3.0"}},
			want: []string{"added pkg:npm/chalk 5.3.0"}, wantUnchanged: 1,
		},
		{
			name: "removed",
			old:  []dc{{purl: "pkg:npm/lodash@4.17.21"}, {purl: "pkg:npm/%40babel/core@7.24.0"}},
			new:  []dc{{purl: "pkg:npm/lodash@4.17.21"}},
			want: []string{"removed pkg:npm/%40babel/core 7.24.0"}, wantUnchanged: 1,
		},
		{
			name: "npm upgrade is numeric, not lexical",
			old:  []dc{{purl: "pkg:npm/lodash@1.2.9"}},
			new:  []dc{{purl: "pkg:npm/lodash@1.10.0"}},
			want: []string{"upgraded pkg:npm/lodash 1.2.9 1.10.0"},
		},
		{
			name: "downgrade from release to prerelease",
			old:  []dc{{purl: "pkg:npm/lodash@5.0.0"}},
			new:  []dc{{purl: "pkg:npm/lodash@5.0.0-rc.1"}},
			want: []string{"downgraded pkg:npm/lodash 5.0.0 5.0.0-rc.1"},
		},
		{
			name: "go pseudo-version upgrade",
			old:  []dc{{purl: "pkg:golang/golang.org/x/net@v0.0.0-20190101000000-abcdef123456"}},
			new:  []dc{{purl: "pkg:golang/golang.org/x/net@v0.0.0-20200101000000-123456abcdef"}},
			want: []string{"upgraded pkg:golang/golang.org/x/net v0.0.0-20190101000000-abcdef123456 v0.0.0-20200101000000-123456abcdef"},
		},
		{
			name: "pypi rc to final, name normalised",
			old:  []dc{{purl: "pkg:pypi/Django_REST.framework@3.15.0rc1"}},
			new:  []dc{{purl: "pkg:pypi/django-rest-framework@3.15.0"}},
			want: []string{"upgraded pkg:pypi/django-rest-framework 3.15.0rc1 3.15.0"},
		},
		{
			name: "maven downgrade, jar type is the default",
			old:  []dc{{purl: "pkg:maven/org.slf4j/slf4j-api@2.0.10?type=jar"}},
			new:  []dc{{purl: "pkg:maven/org.slf4j/slf4j-api@2.0.9"}},
			want: []string{"downgraded pkg:maven/org.slf4j/slf4j-api 2.0.10 2.0.9"},
		},
		{
			name: "maven classifier is another package",
			old:  []dc{{purl: "pkg:maven/io.netty/netty-transport-native-epoll@4.1.100?classifier=linux-x86_64"}},
			new:  []dc{{purl: "pkg:maven/io.netty/netty-transport-native-epoll@4.1.100?classifier=linux-aarch_64"}},
			want: []string{
				"added pkg:maven/io.netty/netty-transport-native-epoll?classifier=linux-aarch_64 4.1.100",
				"removed pkg:maven/io.netty/netty-transport-native-epoll?classifier=linux-x86_64 4.1.100",
			},
		},
		{
			name: "cargo build metadata only is an unorderable spelling change",
			old:  []dc{{purl: "pkg:cargo/libz-sys@1.1.15+zlib-1.3"}},
			new:  []dc{{purl: "pkg:cargo/libz-sys@1.1.15+zlib-1.3.1"}},
			want: []string{"changed pkg:cargo/libz-sys 1.1.15+zlib-1.3 1.1.15+zlib-1.3.1"},
		},
		{
			name: "unknown ecosystem is changed",
			old:  []dc{{purl: "pkg:swid/acme/tool@1.0"}},
			new:  []dc{{purl: "pkg:swid/acme/tool@1.1"}},
			want: []string{"changed pkg:swid/acme/tool 1.0 1.1"},
		},
		{
			name: "deb versions in dpkg order: epoch, then ~ before the release",
			old:  []dc{{purl: "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64"}, {purl: "pkg:deb/debian/attr@2.5.1-4?arch=amd64"}},
			new:  []dc{{purl: "pkg:deb/debian/curl@7.88.1-10?arch=amd64"}, {purl: "pkg:deb/debian/attr@1:2.4.47-2?arch=amd64"}},
			want: []string{"upgraded pkg:deb/debian/attr?arch=amd64 2.5.1-4 1:2.4.47-2",
				"downgraded pkg:deb/debian/curl?arch=amd64 7.88.1-10+deb12u5 7.88.1-10"},
		},
		{
			name: "rpm and apk versions",
			old:  []dc{{purl: "pkg:rpm/fedora/curl@8.6.0-1.fc40?arch=x86_64"}, {purl: "pkg:apk/alpine/curl@8.5.0-r0?arch=x86_64"}},
			new:  []dc{{purl: "pkg:rpm/fedora/curl@8.6.0~rc1-1.fc40?arch=x86_64"}, {purl: "pkg:apk/alpine/curl@8.5.0-r10?arch=x86_64"}},
			want: []string{"upgraded pkg:apk/alpine/curl?arch=x86_64 8.5.0-r0 8.5.0-r10",
				"downgraded pkg:rpm/fedora/curl?arch=x86_64 8.6.0-1.fc40 8.6.0~rc1-1.fc40"},
		},
		{
			name: "hash changed under the same version",
			old:  []dc{{purl: "pkg:npm/left-pad@1.3.0", sha256: shaA, sha512: shaA + shaA, url: npmURL}},
			new:  []dc{{purl: "pkg:npm/left-pad@1.3.0", sha256: shaB, sha512: shaB + shaB, url: npmURL}},
			want: []string{"hash_changed pkg:npm/left-pad 1.3.0 SHA-512", "hash_changed pkg:npm/left-pad 1.3.0 SHA-256"},
		},
		{
			name:          "hash case and download_url qualifier do not matter",
			old:           []dc{{purl: "pkg:generic/tool@1.0?download_url=https://a.example/tool.tgz", sha256: strings.ToUpper(shaA)}},
			new:           []dc{{purl: "pkg:generic/tool@1.0?download_url=https://a.example/tool-mirror.tgz", sha256: shaA}},
			wantUnchanged: 1,
		},
		{
			name:          "different algorithms cannot be compared",
			old:           []dc{{purl: "pkg:npm/left-pad@1.3.0", sha256: shaA}},
			new:           []dc{{purl: "pkg:npm/left-pad@1.3.0", sha512: shaB + shaB}},
			wantUnchanged: 1,
		},
		{
			name:          "missing hashes on one side are not a change",
			old:           []dc{{purl: "pkg:npm/left-pad@1.3.0"}},
			new:           []dc{{purl: "pkg:npm/left-pad@1.3.0", sha256: shaB}},
			wantUnchanged: 1,
		},
		{
			name: "one purl served twice: a new digest is a change",
			old:  []dc{{purl: "pkg:npm/left-pad@1.3.0", sha256: shaA}},
			new:  []dc{{purl: "pkg:npm/left-pad@1.3.0", sha256: shaA}, {purl: "pkg:npm/left-pad@1.3.0", sha256: shaC}},
			want: []string{"hash_changed pkg:npm/left-pad 1.3.0 SHA-256"},
		},
		{
			name:          "one purl served twice: fewer digests is not",
			old:           []dc{{purl: "pkg:npm/left-pad@1.3.0", sha256: shaA}, {purl: "pkg:npm/left-pad@1.3.0", sha256: shaC}},
			new:           []dc{{purl: "pkg:npm/left-pad@1.3.0", sha256: shaC}},
			wantUnchanged: 1,
		},
		{
			name: "url changed host",
			old:  []dc{{purl: "pkg:npm/lodash@4.17.21", sha256: shaA, url: npmURL}},
			new:  []dc{{purl: "pkg:npm/lodash@4.17.21", sha256: shaA, url: "https://npm.mirror.example:8443/lodash/-/lodash-4.17.21.tgz"}},
			want: []string{"url_changed pkg:npm/lodash registry.npmjs.org npm.mirror.example:8443"}, wantUnchanged: 0,
		},
		{
			name:          "url path change on the same host is not a url change",
			old:           []dc{{purl: "pkg:npm/lodash@4.17.21", url: npmURL}},
			new:           []dc{{purl: "pkg:npm/lodash@4.17.21", url: "https://REGISTRY.npmjs.org:443/lodash/-/lodash-4.17.21.tgz?cache=1"}},
			wantUnchanged: 1,
		},
		{
			name: "upgrade fetched from a new host",
			old:  []dc{{purl: "pkg:npm/%40acme/internal@1.0.0", url: "https://npm.acme.example/@acme/internal/-/internal-1.0.0.tgz"}},
			new:  []dc{{purl: "pkg:npm/%40acme/internal@99.0.0", url: "https://registry.npmjs.org/@acme/internal/-/internal-99.0.0.tgz"}},
			want: []string{
				"upgraded pkg:npm/%40acme/internal 1.0.0 99.0.0",
				"url_changed pkg:npm/%40acme/internal npm.acme.example registry.npmjs.org",
			},
		},
		{
			name: "one of several versions removed",
			old:  []dc{{purl: "pkg:npm/ms@2.0.0"}, {purl: "pkg:npm/ms@2.1.2"}, {purl: "pkg:npm/ms@2.1.3"}},
			new:  []dc{{purl: "pkg:npm/ms@2.1.3"}, {purl: "pkg:npm/ms@2.0.0"}},
			want: []string{"removed pkg:npm/ms 2.1.2"}, wantUnchanged: 2,
		},
		{
			name: "several versions each upgraded to its neighbour",
			old:  []dc{{purl: "pkg:npm/semver@5.7.1"}, {purl: "pkg:npm/semver@7.5.4"}},
			new:  []dc{{purl: "pkg:npm/semver@7.6.0"}, {purl: "pkg:npm/semver@5.7.2"}},
			want: []string{"upgraded pkg:npm/semver 5.7.1 5.7.2", "upgraded pkg:npm/semver 7.5.4 7.6.0"},
		},
		{
			name: "one more version added next to an upgrade",
			old:  []dc{{purl: "pkg:npm/semver@6.3.0"}},
			new:  []dc{{purl: "pkg:npm/semver@6.3.1"}, {purl: "pkg:npm/semver@7.6.0"}},
			want: []string{"added pkg:npm/semver 7.6.0", "upgraded pkg:npm/semver 6.3.0 6.3.1"},
		},
		{
			name: "components without purl match by group and name",
			old:  []dc{{group: "com.acme", name: "helper", version: "1.1"}, {name: "zlib", version: "1.3"}},
			new:  []dc{{group: "com.acme", name: "helper", version: "1.1"}, {name: "zlib", version: "1.3.1"}},
			want: []string{"changed zlib 1.3 1.3.1"}, wantUnchanged: 1,
		},
		{
			name: "a purl-less component matches a purl by name",
			old:  []dc{{name: "lodash", version: "4.17.20"}, {name: "left-pad", version: "1.3.0", sha256: shaA}},
			new:  []dc{{purl: "pkg:npm/lodash@4.17.21"}, {purl: "pkg:npm/left-pad@1.3.0", sha256: shaB}},
			want: []string{"upgraded pkg:npm/lodash 4.17.20 4.17.21", "hash_changed pkg:npm/left-pad 1.3.0 SHA-256"},
		},
		{
			name:          "a missing group does not make another package",
			old:           []dc{{purl: "pkg:maven/com.acme/helper@1.1"}},
			new:           []dc{{name: "helper", version: "1.1"}},
			wantUnchanged: 1,
		},
		{
			name: "different groups stay different packages",
			old:  []dc{{group: "com.acme", name: "helper", version: "1.1"}},
			new:  []dc{{purl: "pkg:maven/org.other/helper@1.1"}},
			want: []string{"added pkg:maven/org.other/helper 1.1", "removed com.acme/helper 1.1"},
		},
		{
			name:   "services added and removed by name",
			old:    []dc{},
			new:    []dc{},
			oldSvc: []string{"telemetry.example.com", "api.example.com"},
			newSvc: []string{"api.example.com", "install.example.org"},
			want:   []string{"services_added install.example.org", "services_removed telemetry.example.com"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DiffBOMs(testBOM(tt.old, tt.oldSvc...), testBOM(tt.new, tt.newSvc...))
			got := diffLines(d)
			if !slices.Equal(got, tt.want) {
				t.Errorf("diff:\n got %q\nwant %q", got, tt.want)
			}
			if d.Unchanged != tt.wantUnchanged {
				t.Errorf("unchanged = %d, want %d", d.Unchanged, tt.wantUnchanged)
			}
			if d.Equivalent() != (len(tt.want) == 0) {
				t.Errorf("Equivalent() = %v with %d differences", d.Equivalent(), len(tt.want))
			}
			// Swapping the BOMs swaps added and removed.
			back := DiffBOMs(testBOM(tt.new, tt.newSvc...), testBOM(tt.old, tt.oldSvc...))
			if len(back.Added) != len(d.Removed) || len(back.Removed) != len(d.Added) ||
				len(back.Upgraded) != len(d.Downgraded) || len(back.ServicesAdded) != len(d.ServicesRemoved) {
				t.Errorf("reverse diff is not the mirror image: %q", diffLines(back))
			}
		})
	}
}

func TestDiffSnapshotHashChangeIsMarkedMutable(t *testing.T) {
	purl := "pkg:maven/com.acme/lib@1.0-SNAPSHOT"
	d := DiffBOMs(testBOM([]dc{{purl: purl, sha256: shaA}}), testBOM([]dc{{purl: purl, sha256: shaB}}))
	if len(d.HashChanged) != 1 || !d.HashChanged[0].Mutable {
		t.Fatalf("hash_changed = %+v, want one mutable entry", d.HashChanged)
	}
	d = DiffBOMs(testBOM([]dc{{purl: "pkg:maven/com.acme/lib@1.0", sha256: shaA}}), testBOM([]dc{{purl: "pkg:maven/com.acme/lib@1.0", sha256: shaB}}))
	if len(d.HashChanged) != 1 || d.HashChanged[0].Mutable {
		t.Fatalf("hash_changed = %+v, want one entry that is not mutable", d.HashChanged)
	}
}

func TestDiffIgnoresVolatileFields(t *testing.T) {
	old := testBOM([]dc{{purl: "pkg:npm/a@1.0.0", sha256: shaA}, {purl: "pkg:npm/b@2.0.0", sha256: shaB}}, "x.example")
	new := testBOM([]dc{{purl: "pkg:npm/b@2.0.0", sha256: shaB}, {purl: "pkg:npm/a@1.0.0", sha256: shaA}}, "x.example")
	old.SerialNumber = "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"
	new.SerialNumber = "urn:uuid:6f1c1b5e-8f0a-4a43-9d3b-2b7a8c1d4e5f"
	old.Metadata = &cdx.Metadata{Timestamp: "2026-01-01T00:00:00Z"}
	new.Metadata = &cdx.Metadata{Timestamp: "2026-02-02T00:00:00Z"}
	(*old.Components)[0].BOMRef = "ref-1"
	(*new.Components)[0].BOMRef = "other-ref"
	d := DiffBOMs(old, new)
	if !d.Equivalent() || d.Unchanged != 2 {
		t.Fatalf("diff = %q (unchanged %d), want equivalent with 2 unchanged", diffLines(d), d.Unchanged)
	}
}

func TestDiffNestedComponents(t *testing.T) {
	parent := func(child string) *cdx.BOM {
		b := testBOM([]dc{{purl: "pkg:maven/com.google.guava/guava@33.0.0-jre"}})
		(*b.Components)[0].Components = &[]cdx.Component{dc{purl: child}.component()}
		return b
	}
	d := DiffBOMs(parent("pkg:maven/com.google.guava/failureaccess@1.0.1"), parent("pkg:maven/com.google.guava/failureaccess@1.0.2"))
	want := []string{"upgraded pkg:maven/com.google.guava/failureaccess 1.0.1 1.0.2"}
	if got := diffLines(d); !slices.Equal(got, want) {
		t.Fatalf("diff = %q, want %q", got, want)
	}
}

func TestDiffNilBOMs(t *testing.T) {
	d := DiffBOMs(nil, testBOM([]dc{{purl: "pkg:npm/a@1.0.0"}}))
	if want := []string{"added pkg:npm/a 1.0.0"}; !slices.Equal(diffLines(d), want) {
		t.Fatalf("diff = %q, want %q", diffLines(d), want)
	}
}

func TestDiffServiceEndpointsHideSecrets(t *testing.T) {
	d := DiffBOMs(testBOM(nil), testBOM(nil, "api.example.com"))
	if len(d.ServicesAdded) != 1 {
		t.Fatalf("services_added = %+v", d.ServicesAdded)
	}
	for _, e := range d.ServicesAdded[0].Endpoints {
		if strings.Contains(e, "secret") {
			t.Errorf("endpoint %q keeps its query", e)
		}
	}
}

func TestParseCategories(t *testing.T) {
	tests := []struct {
		in      string
		want    []Category
		wantErr bool
	}{
		{"", Categories(), false},
		{"all", Categories(), false},
		{"none", []Category{}, false},
		{"hash_changed", []Category{CategoryHashChanged}, false},
		{" Hash-Changed , added,added", []Category{CategoryHashChanged, CategoryAdded}, false},
		{"hash_changed,bogus", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseCategories(tt.in)
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("ParseCategories(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// A build that no longer records a digest (SHA-512 of a Go module zip,
// computed only where the ecosystem publishes it) changes no hash: only
// digests of the same algorithm are compared.
func TestDiffComparesDigestsOfOneAlgorithm(t *testing.T) {
	purl := "pkg:golang/example.com/mod@v1.0.0"
	sha512 := strings.Repeat("ab", 64)
	d := DiffBOMs(testBOM([]dc{{purl: purl, sha256: shaA, sha512: sha512}}), testBOM([]dc{{purl: purl, sha256: shaA}}))
	if !d.Equivalent() {
		t.Errorf("a dropped SHA-512 made a difference: %q", diffLines(d))
	}
	d = DiffBOMs(testBOM([]dc{{purl: purl, sha256: shaA, sha512: sha512}}), testBOM([]dc{{purl: purl, sha256: shaB}}))
	if len(d.HashChanged) != 1 {
		t.Errorf("a changed SHA-256 beside a dropped SHA-512: hash_changed %+v", d.HashChanged)
	}
}

// A verdict that went from verified to mismatch, or a Go module whose
// checksum database hash changed, is a difference even when the digests
// the BOMs list are equal; an unchanged verdict is not.
func TestDiffVerificationChanged(t *testing.T) {
	comp := func(purl, status, h1 string) cdx.Component {
		c := dc{purl: purl, sha256: strings.Repeat("ab", 32)}.component()
		props := []cdx.Property{{Name: "depaudit:verification", Value: status}}
		if h1 != "" {
			props = append(props, cdx.Property{Name: "depaudit:golang:h1", Value: h1})
		}
		c.Properties = &props
		return c
	}
	bom := func(cs ...cdx.Component) *cdx.BOM { return &cdx.BOM{Components: &cs} }
	old := bom(comp("pkg:npm/a@1.0.0", "verified", ""), comp("pkg:golang/example.com/m@v1.0.0", "verified", "h1:AAAA="),
		comp("pkg:npm/b@1.0.0", "verified", ""))
	new := bom(comp("pkg:npm/a@1.0.0", "mismatch", ""), comp("pkg:golang/example.com/m@v1.0.0", "verified", "h1:BBBB="),
		comp("pkg:npm/b@1.0.0", "verified", ""))
	d := DiffBOMs(old, new)
	if d.Equivalent() || d.Count(CategoryVerificationChanged) != 2 || d.Unchanged != 1 {
		t.Fatalf("diff %+v, summary %s", d, d.Summary())
	}
	var got []string
	for _, v := range d.VerificationChanged {
		o, n := verificationSides(v)
		got = append(got, v.PURL+" "+o+" -> "+n)
	}
	want := []string{"pkg:golang/example.com/m@v1.0.0 h1:AAAA= -> h1:BBBB=", "pkg:npm/a@1.0.0 verified -> mismatch"}
	if !slices.Equal(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}
	if !strings.Contains(d.Summary(), "2 verification_changed") {
		t.Errorf("summary %q", d.Summary())
	}
	if d := DiffBOMs(old, old); !d.Equivalent() {
		t.Errorf("a BOM against itself: %s", d.Summary())
	}
}

// Tarballs fetched from registry.yarnpkg.com instead of registry.npmjs.org
// come from one origin: not url_changed.
func TestDiffRegistryAlias(t *testing.T) {
	sha := strings.Repeat("ab", 32)
	old := dc{purl: "pkg:npm/a@1.0.0", sha256: sha, url: "https://registry.npmjs.org/a/-/a-1.0.0.tgz"}.component()
	yarn := dc{purl: "pkg:npm/a@1.0.0", sha256: sha, url: "https://registry.yarnpkg.com/a/-/a-1.0.0.tgz"}.component()
	other := dc{purl: "pkg:npm/a@1.0.0", sha256: sha, url: "https://npm.evil.example/a/-/a-1.0.0.tgz"}.component()
	bom := func(c cdx.Component) *cdx.BOM { return &cdx.BOM{Components: &[]cdx.Component{c}} }
	if d := DiffBOMs(bom(old), bom(yarn)); !d.Equivalent() || d.Unchanged != 1 {
		t.Errorf("npm → yarn registry: %s", d.Summary())
	}
	if d := DiffBOMs(bom(old), bom(other)); d.Count(CategoryURLChanged) != 1 || d.Unchanged != 0 {
		t.Errorf("npm → another host: %s", d.Summary())
	}
}

// TestWriteTextEscapesTerminalControls: names (here a service's) from an SBOM cannot drive
// the terminal that shows the diff, with or without colour.
func TestWriteTextEscapesTerminalControls(t *testing.T) {
	d := DiffBOMs(testBOM(nil), testBOM(nil, "evil\x1b]0;owned\x07.example.com"))
	for _, color := range []bool{false, true} {
		var b strings.Builder
		if err := d.WriteText(&b, color); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if strings.Contains(out, "\x1b]") || strings.ContainsRune(out, 0x07) {
			t.Errorf("color=%v: a control sequence from the SBOM reached the output: %q", color, out)
		}
		if !strings.Contains(out, `\u001b]0;owned\u0007`) {
			t.Errorf("color=%v: the name is not shown escaped: %q", color, out)
		}
	}
}
