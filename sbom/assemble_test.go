package sbom

import (
	"bytes"
	"flag"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/observe"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixedOptions pin the two values that otherwise vary between runs.
func fixedOptions() Options {
	return Options{
		ToolVersion:  "0.1.0",
		SerialNumber: "urn:uuid:6f1c2a9e-0b7d-4c3e-9a51-2d8f4e6b7c10",
		Timestamp:    time.Date(2026, 3, 2, 10, 15, 15, 0, time.UTC),
	}
}

func assembleBuild(t *testing.T, opts Options) *Result {
	t.Helper()
	res, err := assemble(readLog(t, "build.capture.jsonl"), buildFindings(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test ./sbom -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update after checking):\n%s", name, firstDiff(string(want), string(got)))
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + a + "\n  got:  " + b
		}
	}
	return "(no line differs)"
}

func TestAssembleGolden(t *testing.T) {
	res := assembleBuild(t, fixedOptions())
	golden(t, "build.bom.json", encodeValid(t, res.BOM, FormatJSON, cdx.SpecVersion1_6))
	golden(t, "build.bom-1.5.json", encodeValid(t, res.BOM, FormatJSON, cdx.SpecVersion1_5))
	var buf bytes.Buffer
	if err := audit.WriteUnclassified(&buf, res.Unclassified); err != nil {
		t.Fatal(err)
	}
	golden(t, "build.unclassified.json", buf.Bytes())
}

func TestAssembleGoldenXML(t *testing.T) {
	res := assembleBuild(t, fixedOptions())
	golden(t, "build.bom.xml", encodeValid(t, res.BOM, FormatXML, cdx.SpecVersion1_6))
}

// componentsByRef indexes a BOM's components by bom-ref.
func componentsByRef(t *testing.T, bom *cdx.BOM) map[string]cdx.Component {
	t.Helper()
	out := make(map[string]cdx.Component)
	if bom.Components == nil {
		return out
	}
	for _, c := range *bom.Components {
		if _, dup := out[c.BOMRef]; dup {
			t.Fatalf("bom-ref %q appears twice", c.BOMRef)
		}
		out[c.BOMRef] = c
	}
	return out
}

func propValues(ps *[]cdx.Property, name string) []string {
	var out []string
	if ps == nil {
		return nil
	}
	for _, p := range *ps {
		if p.Name == name {
			out = append(out, p.Value)
		}
	}
	return out
}

func hashOf(c cdx.Component, alg cdx.HashAlgorithm) string {
	if c.Hashes == nil {
		return ""
	}
	for _, h := range *c.Hashes {
		if h.Algorithm == alg {
			return h.Value
		}
	}
	return ""
}

// exchangeByURL finds the first exchange of l with the URL.
func exchangeByURL(t *testing.T, l *capture.Log, u string) capture.Exchange {
	t.Helper()
	for _, x := range l.Exchanges {
		if x.URL == u {
			return x
		}
	}
	t.Fatalf("no exchange for %s", u)
	return capture.Exchange{}
}

func TestAssembleBuildComponents(t *testing.T) {
	l := readLog(t, "build.capture.jsonl")
	res, err := assemble(l, buildFindings(), fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	comps := componentsByRef(t, res.BOM)

	type want struct {
		purl, url, typ, eco string
	}
	wants := map[string]want{
		"pkg:npm/%40babel/core@7.24.0": {"pkg:npm/%40babel/core@7.24.0", urlBabelNPM, "library", "npm"},
		"pkg:npm/left-pad@1.3.0":       {"pkg:npm/left-pad@1.3.0", urlLeftPad, "library", "npm"},
		"pkg:npm/left-pad@1.3.0#2":     {"pkg:npm/left-pad@1.3.0", urlLeftPadAlt, "library", "npm"},
		"pkg:pypi/requests@2.31.0?file_name=requests-2.31.0-py3-none-any.whl": {"pkg:pypi/requests@2.31.0?file_name=requests-2.31.0-py3-none-any.whl", urlRequests, "library", "pypi"},
		"pkg:golang/github.com/BurntSushi/toml@v1.3.2":                        {"pkg:golang/github.com/BurntSushi/toml@v1.3.2", urlTomlZip, "library", "golang"},
		"pkg:maven/org.apache.commons/commons-lang3@3.14.0":                   {"pkg:maven/org.apache.commons/commons-lang3@3.14.0", urlLang3Jar, "library", "maven"},
		"pkg:cargo/serde@1.0.197":                                             {"pkg:cargo/serde@1.0.197", urlSerde, "library", "cargo"},
		buildFindings()[urlGHRelease].PURL:                                    {buildFindings()[urlGHRelease].PURL, urlGHAsset, "library", "github"},
		buildFindings()[urlInstallSh].PURL:                                    {buildFindings()[urlInstallSh].PURL, urlInstallSh, "file", "generic"},
		buildFindings()[urlProtoc].PURL:                                       {buildFindings()[urlProtoc].PURL, urlProtoc, "file", "generic"},
	}
	for ref := range comps {
		if _, ok := wants[ref]; !ok {
			t.Errorf("unexpected component %q", ref)
		}
	}
	for ref, w := range wants {
		c, ok := comps[ref]
		if !ok {
			t.Errorf("missing component %q", ref)
			continue
		}
		x := exchangeByURL(t, l, w.url)
		if c.PackageURL != w.purl || string(c.Type) != w.typ {
			t.Errorf("%s: purl %q type %q, want %q %q", ref, c.PackageURL, c.Type, w.purl, w.typ)
		}
		if got := hashOf(c, cdx.HashAlgoSHA256); got != x.SHA256 {
			t.Errorf("%s: SHA-256 %s, want %s (the bytes served at %s)", ref, got, x.SHA256, w.url)
		}
		if hashOf(c, cdx.HashAlgoSHA512) != x.SHA512 || hashOf(c, cdx.HashAlgoSHA1) != x.SHA1 {
			t.Errorf("%s: SHA-512/SHA-1 differ from the capture", ref)
		}
		refs := *c.ExternalReferences
		if len(refs) != 1 || refs[0].Type != cdx.ERTypeDistribution || refs[0].URL != w.url {
			t.Errorf("%s: external references %+v, want one distribution %s", ref, refs, w.url)
		} else if refs[0].Hashes == nil || (*refs[0].Hashes)[0].Value != x.SHA256 {
			t.Errorf("%s: distribution reference lacks the SHA-256", ref)
		}
		if got := propValues(c.Properties, PropEcosystem); !slices.Equal(got, []string{w.eco}) {
			t.Errorf("%s: ecosystem %v, want %s", ref, got, w.eco)
		}
		if got := propValues(c.Properties, PropBytes); !slices.Equal(got, []string{strconv.FormatInt(x.Bytes, 10)}) {
			t.Errorf("%s: bytes %v, want %d", ref, got, x.Bytes)
		}
	}

	// Name, group and version come from the finding.
	if c := comps["pkg:npm/%40babel/core@7.24.0"]; c.Group != "@babel" || c.Name != "core" || c.Version != "7.24.0" {
		t.Errorf("@babel/core: group %q name %q version %q", c.Group, c.Name, c.Version)
	}
	// Same bytes from two URLs: one component, two requests, the other URL kept.
	babel := comps["pkg:npm/%40babel/core@7.24.0"]
	if got := propValues(babel.Properties, PropRequests); !slices.Equal(got, []string{"2"}) {
		t.Errorf("@babel/core requests = %v, want 2", got)
	}
	if got := propValues(babel.Properties, PropURL); !slices.Equal(got, []string{urlBabelYarn}) {
		t.Errorf("@babel/core extra URLs = %v, want %s", got, urlBabelYarn)
	}
	// The GitHub release asset came through a redirect.
	gh := comps[buildFindings()[urlGHRelease].PURL]
	if got := propValues(gh.Properties, PropRedirectedFrom); !slices.Equal(got, []string{urlGHRelease}) {
		t.Errorf("gh redirected-from = %v, want %s", got, urlGHRelease)
	}
	if got := propValues(comps["pkg:cargo/serde@1.0.197"].Properties, PropRedirectedFrom); !slices.Equal(got, []string{urlSerdeAPI}) {
		t.Errorf("serde redirected-from = %v, want %s", got, urlSerdeAPI)
	}

	// Failed and cut downloads are never components, but are warned about.
	for _, c := range comps {
		if strings.Contains(c.PackageURL, "lodash") || strings.Contains(c.PackageURL, "numpy") {
			t.Errorf("failed download became a component: %s", c.PackageURL)
		}
	}
	wantWarnings := []string{
		"pkg:npm/lodash@4.17.21 is not in the SBOM: status 404",
		"pkg:pypi/numpy@1.26.4?file_name=numpy-1.26.4.tar.gz is not in the SBOM: incomplete: 4194304 of 15786149 bytes received",
		"pkg:npm/left-pad@1.3.0 was served with different bytes: sha256 " + exchangeByURL(t, l, urlLeftPad).SHA256,
		"sha256 " + exchangeByURL(t, l, urlLeftPadAlt).SHA256,
		"CONNECT to api.segment.io failed (2 times): TLS handshake with the client failed",
	}
	all := strings.Join(res.Warnings, "\n")
	for _, w := range wantWarnings {
		if !strings.Contains(all, w) {
			t.Errorf("no warning containing %q in:\n%s", w, all)
		}
	}
	if len(res.Warnings) != 4 {
		t.Errorf("%d warnings, want 4:\n%s", len(res.Warnings), all)
	}
}

func TestAssembleBuildServicesAndSummary(t *testing.T) {
	res := assembleBuild(t, fixedOptions())
	if res.BOM.Services == nil {
		t.Fatal("no services")
	}
	svcs := *res.BOM.Services
	var names []string
	for _, s := range svcs {
		names = append(names, s.Name)
		if s.CrossesTrustBoundary == nil || !*s.CrossesTrustBoundary {
			t.Errorf("%s: x-trust-boundary not true", s.Name)
		}
		if s.Data == nil || len(*s.Data) != 1 || (*s.Data)[0].Flow != cdx.DataFlowOutbound || (*s.Data)[0].Classification != "unknown" {
			t.Errorf("%s: data = %+v", s.Name, s.Data)
		}
	}
	// Every host the build used for something other than an artifact
	// downloaded whole is a service, with its roles: registries' metadata
	// and API hosts, generic downloads and unclassified calls, a failed
	// download (numpy's), a tunnel that failed. The GitHub CDN is not (its download was
	// attributed through the redirect), nor a host of artifacts alone.
	wantRoles := map[string][]string{
		"api.segment.io":         {audit.RoleTunnel},
		"downloads.example.org":  {audit.RoleUnclassified},
		"files.pythonhosted.org": {audit.RoleFailedDownload},
		"get.example.dev":        {audit.RoleUnclassified},
		"index.crates.io":        {audit.RoleRegistryMetadata},
		"proxy.golang.org":       {audit.RoleRegistryMetadata},
		"pypi.org":               {audit.RoleRegistryMetadata},
		"registry.npmjs.org":     {audit.RoleRegistryMetadata},
		"repo.maven.apache.org":  {audit.RoleRegistryMetadata},
		"telemetry.example.com":  {audit.RoleUnclassified},
	}
	var got []string
	for _, s := range svcs {
		got = append(got, s.Name+" "+strings.Join(propValues(s.Properties, PropServiceRole), ","))
	}
	var want []string
	for _, n := range slices.Sorted(maps.Keys(wantRoles)) {
		want = append(want, n+" "+strings.Join(wantRoles[n], ","))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("services and roles:\n got %q\nwant %q", got, want)
	}
	for _, s := range svcs {
		if s.Name == "registry.npmjs.org" && !slices.Equal(*s.Endpoints, []string{"https://registry.npmjs.org/"}) {
			t.Errorf("a registry's metadata endpoints are its origin alone: %v", *s.Endpoints)
		}
	}
	tel := svcs[slices.IndexFunc(svcs, func(s cdx.Service) bool { return s.Name == "telemetry.example.com" })]
	if tel.Authenticated == nil || !*tel.Authenticated {
		t.Error("telemetry: authenticated not set although requests carried credentials")
	}
	if dl := svcs[slices.IndexFunc(svcs, func(s cdx.Service) bool { return s.Name == "downloads.example.org" })]; dl.Authenticated != nil && *dl.Authenticated {
		t.Error("downloads.example.org: authenticated although no request carried credentials")
	}
	wantEndpoints := []string{"https://telemetry.example.com/v1/config?token=REDACTED", "https://telemetry.example.com/v1/events"}
	if !slices.Equal(*tel.Endpoints, wantEndpoints) {
		t.Errorf("telemetry endpoints %v, want %v", *tel.Endpoints, wantEndpoints)
	}
	if got := propValues(tel.Properties, PropHTTPMethod); !slices.Equal(got, []string{"GET", "POST"}) {
		t.Errorf("telemetry methods %v", got)
	}
	if got := propValues(tel.Properties, PropRequests); !slices.Equal(got, []string{"3"}) {
		t.Errorf("telemetry requests %v", got)
	}

	wantCalls := []audit.UnclassifiedCall{
		{Host: "downloads.example.org", Method: "GET", URL: urlProtoc, Status: 200, Bytes: 3311872, Count: 1},
		{Host: "get.example.dev", Method: "GET", URL: urlInstallSh, Status: 200, Bytes: 5120, Count: 1},
		{Host: "telemetry.example.com", Method: "GET", URL: "https://telemetry.example.com/v1/config?token=REDACTED", Status: 200, Bytes: 87, Count: 1},
		{Host: "telemetry.example.com", Method: "POST", URL: "https://telemetry.example.com/v1/events", Status: 204, Bytes: 0, Count: 2},
	}
	if !slices.Equal(res.Unclassified, wantCalls) {
		t.Errorf("unclassified calls:\n got  %+v\n want %+v", res.Unclassified, wantCalls)
	}

	s := res.Summary
	if s.Requests != 29 || s.Components != 10 || s.FailedDownloads != 2 || s.Failures != 2 || s.UnclassifiedCalls != 5 {
		t.Errorf("summary %+v", s)
	}
	wantPkgs := map[string]int{"npm": 3, "pypi": 1, "golang": 1, "maven": 1, "cargo": 1, "github": 1, "generic": 2}
	if len(s.Packages) != len(wantPkgs) {
		t.Errorf("packages %v, want %v", s.Packages, wantPkgs)
	}
	for k, v := range wantPkgs {
		if s.Packages[k] != v {
			t.Errorf("packages[%s] = %d, want %d", k, s.Packages[k], v)
		}
	}
	if !slices.Equal(s.UnclassifiedHosts, []string{"downloads.example.org", "get.example.dev", "telemetry.example.com"}) {
		t.Errorf("unclassified hosts %v", s.UnclassifiedHosts)
	}
	if !slices.Equal(s.FailedTunnels, []string{"api.segment.io"}) {
		t.Errorf("failed tunnels %v", s.FailedTunnels)
	}
	// 15 distinct hosts, the tunnel's included.
	if s.Hosts != 15 || s.Truncated {
		t.Errorf("hosts %d truncated %v", s.Hosts, s.Truncated)
	}
	var total int64
	for _, x := range readLog(t, "build.capture.jsonl").Exchanges {
		total += x.Bytes
	}
	if s.Bytes != total {
		t.Errorf("bytes %d, want %d", s.Bytes, total)
	}
}

func TestAssembleMetadata(t *testing.T) {
	opts := fixedOptions()
	opts.ProjectName, opts.ProjectVersion = "shop", "2.1.0"
	res := assembleBuild(t, opts)
	m := res.BOM.Metadata
	if m.Timestamp != "2026-03-02T10:15:15Z" || res.BOM.SerialNumber != opts.SerialNumber {
		t.Errorf("timestamp %q serial %q", m.Timestamp, res.BOM.SerialNumber)
	}
	if m.Lifecycles == nil || len(*m.Lifecycles) != 1 || (*m.Lifecycles)[0].Phase != cdx.LifecyclePhaseBuild {
		t.Errorf("lifecycles %+v", m.Lifecycles)
	}
	tools := *m.Tools.Components
	if len(tools) != 1 || tools[0].Name != "depaudit" || tools[0].Version != "0.1.0" {
		t.Errorf("tools %+v", tools)
	}
	if c := m.Component; c.Name != "shop" || c.Version != "2.1.0" || c.Type != cdx.ComponentTypeApplication {
		t.Errorf("component %+v", c)
	}
	if got := propValues(m.Properties, PropExitCode); !slices.Equal(got, []string{"0"}) {
		t.Errorf("exit code %v", got)
	}
	if got := propValues(m.Properties, PropEnd); !slices.Equal(got, []string{"2026-03-02T10:15:14.5Z"}) {
		t.Errorf("end %v", got)
	}
	if got := propValues(m.Properties, PropCommand); len(got) != 1 || !strings.HasPrefix(got[0], `sh -c "npm ci && `) {
		t.Errorf("command %v", got)
	}
	// Without a name option the directory's base name is used.
	if c := assembleBuild(t, fixedOptions()).BOM.Metadata.Component; c.Name != "webshop" || c.Version != "" {
		t.Errorf("default component %+v", c)
	}
}

// TestPropertyNames checks every property name written against the
// CycloneDX property taxonomy syntax.
func TestPropertyNames(t *testing.T) {
	res := assembleBuild(t, fixedOptions())
	var names []string
	collect := func(ps *[]cdx.Property) {
		if ps != nil {
			for _, p := range *ps {
				names = append(names, p.Name)
			}
		}
	}
	collect(res.BOM.Metadata.Properties)
	for _, c := range *res.BOM.Components {
		collect(c.Properties)
	}
	for _, s := range *res.BOM.Services {
		collect(s.Properties)
	}
	if len(names) == 0 {
		t.Fatal("no properties")
	}
	for _, n := range names {
		if !ValidPropertyName(n) {
			t.Errorf("property name %q breaks the taxonomy rules", n)
		}
	}
	for _, bad := range []string{"depaudit", "depaudit:", "depaudit::x", "cdx:x", "depaudit:a.b", "depaudit:é"} {
		if ValidPropertyName(bad) {
			t.Errorf("ValidPropertyName(%q) = true", bad)
		}
	}
}

// blankVolatile removes the two values allowed to differ between runs.
var volatileRE = regexp.MustCompile(`("serialNumber": |"timestamp": )"[^"]*"`)

func TestAssembleDeterministic(t *testing.T) {
	l := readLog(t, "build.capture.jsonl")
	opts := Options{ToolVersion: "0.1.0"}
	first, err := assemble(l, buildFindings(), opts)
	if err != nil {
		t.Fatal(err)
	}
	// The same exchanges in another order (as finished by other runs of
	// the proxy) must give the same BOM.
	shuffled := *l
	shuffled.Exchanges = slices.Clone(l.Exchanges)
	slices.Reverse(shuffled.Exchanges)
	second, err := assemble(&shuffled, buildFindings(), opts)
	if err != nil {
		t.Fatal(err)
	}
	a := encodeValid(t, first.BOM, FormatJSON, cdx.SpecVersion1_6)
	b := encodeValid(t, second.BOM, FormatJSON, cdx.SpecVersion1_6)
	if first.BOM.SerialNumber == second.BOM.SerialNumber {
		t.Errorf("two assemblies share the serial number %s", first.BOM.SerialNumber)
	}
	if !serialNumberRE.MatchString(first.BOM.SerialNumber) {
		t.Errorf("serial number %q is not a urn:uuid", first.BOM.SerialNumber)
	}
	if bytes.Equal(a, b) {
		t.Fatal("outputs identical although serial numbers differ: blanking would prove nothing")
	}
	ab, bb := volatileRE.ReplaceAll(a, []byte(`$1""`)), volatileRE.ReplaceAll(b, []byte(`$1""`))
	if !bytes.Equal(ab, bb) {
		t.Errorf("assemblies differ beyond serialNumber and timestamp:\n%s", firstDiff(string(ab), string(bb)))
	}
	if !slices.Equal(first.Warnings, second.Warnings) || !slices.Equal(first.Unclassified, second.Unclassified) {
		t.Error("warnings or unclassified calls depend on the order of the log")
	}
}

func TestAssembleErrors(t *testing.T) {
	l := readLog(t, "build.capture.jsonl")
	if _, err := assemble(nil, buildFindings(), Options{}); err == nil {
		t.Error("nil log accepted")
	}
	if _, err := assemble(l, buildFindings(), Options{SerialNumber: "1234"}); err == nil {
		t.Error("malformed serial number accepted")
	}
}

func TestAssembleEmptyLog(t *testing.T) {
	l := &capture.Log{Header: capture.Header{Record: "header", Format: capture.LogFormat}, Trailer: &capture.Trailer{ExitCode: 3}}
	res, err := assemble(l, fakeClassifier{}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	if res.BOM.Components != nil || res.BOM.Services != nil || len(res.Warnings) != 0 {
		t.Errorf("empty log: components %v services %v warnings %v", res.BOM.Components, res.BOM.Services, res.Warnings)
	}
	if res.BOM.Metadata.Component.Name != defaultProjectName {
		t.Errorf("name %q", res.BOM.Metadata.Component.Name)
	}
	var buf bytes.Buffer
	if err := audit.WriteUnclassified(&buf, res.Unclassified); err != nil || buf.String() != "[]\n" {
		t.Errorf("empty unclassified list %q, %v", buf.String(), err)
	}
	encodeValid(t, res.BOM, FormatJSON, cdx.SpecVersion1_6)
	encodeValid(t, res.BOM, FormatJSON, cdx.SpecVersion1_5)
	encodeValid(t, res.BOM, FormatXML, cdx.SpecVersion1_6) // last: skipped without xmllint
}

func TestAssembleTruncatedLog(t *testing.T) {
	data, err := os.ReadFile("testdata/build.capture.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	for _, tc := range []struct {
		name, cut, want string
	}{
		{"no trailer", string(bytes.Join(lines[:len(lines)-2], nil)), "capture log has no trailer"},
		{"cut line", string(bytes.Join(lines[:10], nil)) + string(lines[10][:40]), "capture log damaged: 1 line(s) skipped (first: line 11: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := capture.ReadLog(strings.NewReader(tc.cut))
			if err != nil {
				t.Fatal(err)
			}
			res, err := assemble(l, buildFindings(), fixedOptions())
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Warnings) == 0 || !strings.HasPrefix(res.Warnings[0], tc.want) {
				t.Errorf("warnings %q, want first %q", res.Warnings, tc.want)
			}
			if !res.Summary.Truncated {
				t.Error("summary not marked truncated")
			}
			if got := propValues(res.BOM.Metadata.Properties, PropCaptureTruncated); !slices.Equal(got, []string{"true"}) {
				t.Errorf("truncated property %v", got)
			}
			if got := propValues(res.BOM.Metadata.Properties, PropExitCode); got != nil {
				t.Errorf("exit code %v without a trailer", got)
			}
			encodeValid(t, res.BOM, FormatJSON, cdx.SpecVersion1_6)
		})
	}
}

// TestRedirects covers redirect attribution: chains, relative locations,
// and which findings are inherited.
func TestRedirects(t *testing.T) {
	const (
		release = "https://github.com/o/r/releases/download/v1/tool.tgz"
		hop1    = "https://github.com/o/r/releases/download/v1/tool.tgz?hop=1"
		cdn     = "https://cdn.example.net/assets/abc"
		mirror  = "https://mirror.example/static/x-1.0.tgz"
	)
	x := func(id int64, u string, status int, loc string, sum string) capture.Exchange {
		host := strings.SplitN(strings.TrimPrefix(u, "https://"), "/", 2)[0]
		return capture.Exchange{ID: id, Method: "GET", URL: u, Host: host, Status: status, Location: loc, Complete: true, Bytes: 10, ContentLength: 10, SHA256: sum}
	}
	sum := strings.Repeat("ab", 32)
	gh := artifactFinding("github", "github", "o", "r", "v1", nil)
	l := &capture.Log{
		Trailer: &capture.Trailer{},
		Exchanges: []capture.Exchange{
			// A chain: release → relative hop → CDN (listed out of order).
			x(3, cdn, 200, "", sum),
			x(1, release, 302, "/o/r/releases/download/v1/tool.tgz?hop=1", ""),
			x(2, hop1, 302, cdn, ""),
			// A generic download is not replaced by an unclassified redirect.
			x(4, "https://short.example/t", 301, mirror, ""),
			x(5, mirror, 200, "", strings.Repeat("cd", 32)),
		},
	}
	c := fakeClassifier{
		release: gh,
		mirror:  artifactFinding("generic", "generic", "", "x", "1.0", map[string]string{"download_url": mirror}),
	}
	res, err := assemble(l, c, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	comps := componentsByRef(t, res.BOM)
	if len(comps) != 2 {
		t.Fatalf("components %v", comps)
	}
	got, ok := comps[gh.PURL]
	if !ok {
		t.Fatalf("CDN download not attributed to %s: %v", gh.PURL, comps)
	}
	if u := (*got.ExternalReferences)[0].URL; u != cdn {
		t.Errorf("distribution URL %s, want the final URL %s", u, cdn)
	}
	if from := propValues(got.Properties, PropRedirectedFrom); !slices.Equal(from, []string{release}) {
		t.Errorf("redirected-from %v, want %s", from, release)
	}
	if _, ok := comps[c[mirror].PURL]; !ok {
		t.Errorf("generic download lost: %v", comps)
	}
	// The unclassified redirect and the generic download are unclassified
	// calls; the GitHub chain is not.
	var hosts []string
	for _, u := range res.Unclassified {
		hosts = append(hosts, u.Host)
	}
	if !slices.Equal(hosts, []string{"mirror.example", "short.example"}) {
		t.Errorf("unclassified hosts %v", hosts)
	}
	encodeValid(t, res.BOM, FormatJSON, cdx.SpecVersion1_6)
}

func TestDownloadProblems(t *testing.T) {
	good := capture.Exchange{ID: 1, Method: "GET", URL: "https://r.example/a.tgz", Host: "r.example", Status: 200, Complete: true, Bytes: 5, ContentLength: 5, SHA256: strings.Repeat("0", 64)}
	f := artifactFinding("npm", "npm", "", "a", "1.0.0", nil)
	for _, tc := range []struct {
		name   string
		change func(*capture.Exchange)
		warn   string // "" when it must become a component
	}{
		{"complete", func(*capture.Exchange) {}, ""},
		{"uppercase hex", func(x *capture.Exchange) { x.SHA256 = strings.Repeat("A", 64) }, ""},
		{"no hash", func(x *capture.Exchange) { x.SHA256 = "" }, "no SHA-256"},
		{"bad hash", func(x *capture.Exchange) { x.SHA256 = "xyz" }, "no SHA-256"},
		{"incomplete unknown length", func(x *capture.Exchange) { x.Complete, x.ContentLength, x.Error = false, -1, "reset" }, "incomplete: 5 bytes received, reset"},
		{"error after body", func(x *capture.Exchange) { x.Error = "upstream closed" }, "failed: upstream closed"},
		{"500", func(x *capture.Exchange) { x.Status = 500 }, "status 500"},
		{"no response", func(x *capture.Exchange) { x.Status, x.Error = 0, "dial tcp: refused" }, "no response: dial tcp: refused"},
		{"not modified", func(x *capture.Exchange) { x.Status = 304 }, "not modified"},
		{"head", func(x *capture.Exchange) { x.Method = "HEAD" }, "-"},
		{"redirect", func(x *capture.Exchange) { x.Status, x.Location = 302, "https://elsewhere.example/" }, "-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := good
			tc.change(&x)
			res, err := assemble(&capture.Log{Trailer: &capture.Trailer{}, Exchanges: []capture.Exchange{x}}, fakeClassifier{x.URL: f}, fixedOptions())
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			if res.BOM.Components != nil {
				n = len(*res.BOM.Components)
			}
			switch tc.warn {
			case "":
				if n != 1 || len(res.Warnings) != 0 {
					t.Errorf("components %d warnings %q, want 1 component", n, res.Warnings)
				}
				if n == 1 && hashOf((*res.BOM.Components)[0], cdx.HashAlgoSHA256) != strings.ToLower(x.SHA256) {
					t.Error("SHA-256 not lower-case hex")
				}
			case "-":
				if n != 0 || len(res.Warnings) != 0 || res.Summary.FailedDownloads != 0 {
					t.Errorf("components %d warnings %q, want none", n, res.Warnings)
				}
			default:
				if n != 0 || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], tc.warn) || res.Summary.FailedDownloads != 1 {
					t.Errorf("components %d warnings %q, want none and a warning with %q", n, res.Warnings, tc.warn)
				}
			}
			encodeValid(t, res.BOM, FormatJSON, cdx.SpecVersion1_6)
		})
	}
}

func TestArtifactWithoutPurl(t *testing.T) {
	x := capture.Exchange{ID: 1, Method: "GET", URL: "https://r.example/a.tgz", Host: "r.example", Status: 200, Complete: true, SHA256: strings.Repeat("0", 64)}
	res, err := assemble(&capture.Log{Exchanges: []capture.Exchange{x}}, fakeClassifier{x.URL: {Kind: classify.KindArtifact, Ecosystem: "npm"}}, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	if res.BOM.Components != nil || len(res.Unclassified) != 1 {
		t.Errorf("components %v unclassified %v", res.BOM.Components, res.Unclassified)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "artifact without a package URL") {
		t.Errorf("warnings %q", res.Warnings)
	}
}

// TestAssembleWithDefaultClassifier assembles the build's log with the
// real classifiers: the BOM must validate in every format, and name the
// packages the log fetched.
func TestAssembleWithDefaultClassifier(t *testing.T) {
	res, err := assemble(readLog(t, "build.capture.jsonl"), classify.Default(), fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	encodeValid(t, res.BOM, FormatJSON, cdx.SpecVersion1_6)
	encodeValid(t, res.BOM, FormatJSON, cdx.SpecVersion1_5)
	if res.Summary.Components == 0 {
		t.Fatal("the default classifiers found no package")
	}
	comps := componentsByRef(t, res.BOM)
	for _, ref := range []string{"pkg:npm/%40babel/core@7.24.0", "pkg:golang/github.com/BurntSushi/toml@v1.3.2", "pkg:cargo/serde@1.0.197"} {
		if _, ok := comps[ref]; !ok {
			t.Errorf("no component %s", ref)
		}
	}
	encodeValid(t, res.BOM, FormatXML, cdx.SpecVersion1_6) // last: skipped without xmllint
}

// panicky is a classifier that fails on every request.
type panicky struct{}

func (panicky) Classify(classify.Request) classify.Finding { panic("boom") }

// panickyEco is a classify.Classifier that fails on every request.
type panickyEco struct{}

func (panickyEco) Ecosystem() string { return "broken" }
func (panickyEco) Classify(classify.Request) (classify.Finding, bool) {
	panic("boom")
}

// TestAssembleSurvivesClassifierPanic: a classifier that panics loses no
// exchange and no SBOM; the failure is a warning.
func TestAssembleSurvivesClassifierPanic(t *testing.T) {
	l := readLog(t, "build.capture.jsonl")
	for _, tc := range []struct {
		name string
		c    observe.Classifier
		// components says whether the other classifiers still made components.
		components bool
	}{
		{"bare", panicky{}, false},
		{"in a set", classify.Default().Prepend(panickyEco{}), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := assemble(l, tc.c, fixedOptions())
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, w := range res.Warnings {
				if strings.HasPrefix(w, "classifier failure") && strings.Contains(w, "boom") {
					n++
				}
			}
			if n != len(l.Exchanges)-tunnels(l) {
				t.Errorf("%d classifier failure warnings for %d exchanges: %q", n, len(l.Exchanges), res.Warnings)
			}
			if got := res.BOM.Components != nil && len(*res.BOM.Components) > 0; got != tc.components {
				t.Errorf("components present %v, want %v", got, tc.components)
			}
			if !tc.components && (res.BOM.Services == nil || len(*res.BOM.Services) == 0) {
				t.Error("no services: the exchanges were lost")
			}
			encodeValid(t, res.BOM, FormatJSON, cdx.SpecVersion1_6)
		})
	}
}

func tunnels(l *capture.Log) int {
	n := 0
	for _, x := range l.Exchanges {
		if x.Method == "CONNECT" {
			n++
		}
	}
	return n
}

// TestGoComponentNamedByModulePath: a Go module's component is named by
// its whole module path (as cyclonedx-gomod does), never "v3"; the purl
// keeps the spec's namespace and name.
func TestGoComponentNamedByModulePath(t *testing.T) {
	const zip = "https://proxy.golang.org/github.com/!masterminds/semver/v3/@v/v3.2.1.zip"
	l := &capture.Log{
		Header:  capture.Header{Record: "header", Format: capture.LogFormat},
		Trailer: &capture.Trailer{},
		Exchanges: []capture.Exchange{{ID: 1, Method: "GET", URL: zip, Host: "proxy.golang.org", Status: 200,
			Complete: true, Bytes: 3, SHA256: strings.Repeat("a", 64)}},
	}
	res, err := assemble(l, classify.Default(), fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	if res.BOM.Components == nil || len(*res.BOM.Components) != 1 {
		t.Fatalf("components %v", res.BOM.Components)
	}
	c := (*res.BOM.Components)[0]
	if c.Name != "github.com/Masterminds/semver/v3" || c.Group != "" || c.Version != "v3.2.1" ||
		c.PackageURL != "pkg:golang/github.com/Masterminds/semver/v3@v3.2.1" {
		t.Errorf("component group %q name %q version %q purl %q", c.Group, c.Name, c.Version, c.PackageURL)
	}
}
