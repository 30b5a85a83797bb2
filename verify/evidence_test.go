package verify

import (
	"fmt"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/observe"
)

// logOf builds a capture log of exchanges, numbering them.
// logOf is a log of xs.
func logOf(xs ...capture.Exchange) *capture.Log {
	for i := range xs {
		xs[i].ID = int64(i + 1)
		if xs[i].Method == "" {
			xs[i].Method = "GET"
		}
		if xs[i].Status == 0 {
			xs[i].Status = 200
		}
		xs[i].Complete = true
	}
	return &capture.Log{Exchanges: xs}
}

// collect is Collect over the observations of l, attributed with c.
func collect(l *capture.Log, c Classifier) *Evidence {
	if l == nil {
		l = &capture.Log{}
	}
	obs, _ := observe.Attribute(l.Exchanges, c)
	return Collect(obs, c)
}

// artifactExchange is a completed download of body from rawURL.
func artifactExchange(rawURL string, body []byte, digests ...capture.Digest) capture.Exchange {
	s256, s512, s1, _ := sums(body)
	return capture.Exchange{URL: rawURL, Bytes: int64(len(body)), SHA256: s256, SHA512: s512, SHA1: s1, Digests: digests}
}

func TestCheckNPM(t *testing.T) {
	doc, _ := packument(t)
	meta := inspect(t, "https://registry.npmjs.org/@babel%2fcore", "application/json", "", doc)
	good := artifactExchange("https://registry.npmjs.org/@babel/core/-/core-7.23.0.tgz", []byte("tarball one"))
	bad := artifactExchange("https://registry.npmjs.org/@babel/core/-/core-8.0.0-alpha.1.tgz", []byte("tampered"))
	other := artifactExchange("https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz", []byte("lp"))
	ev := collect(logOf(capture.Exchange{URL: "https://registry.npmjs.org/@babel%2fcore", ContentType: "application/json", Digests: meta}, good, bad, other), defaultClassifier())

	v := ev.Check("pkg:npm/%40babel/core@7.23.0", good.SHA256)
	if v.Status != StatusVerified || strings.Join(v.Sources, ",") != "npm packument integrity,npm packument shasum" {
		t.Errorf("good: %+v", v)
	}
	v = ev.Check("pkg:npm/%40babel/core@8.0.0-alpha.1", bad.SHA256)
	if v.Status != StatusMismatch || len(v.Mismatches) != 2 {
		t.Fatalf("bad: %+v", v)
	}
	_, s512, _, _ := sums([]byte("tarball two"))
	if m := v.Mismatches[0]; m.Algorithm != "sha512" || m.Expected != s512 || m.Received != bad.SHA512 || m.Source != "npm packument integrity" {
		t.Errorf("mismatch: %+v", m)
	}
	if !strings.Contains(v.String(), "does not match") {
		t.Errorf("String: %s", v)
	}
	v = ev.Check("pkg:npm/left-pad@1.3.0", other.SHA256)
	if v.Status != StatusUnverifiable || v.Reason != "no published digest seen" {
		t.Errorf("other: %+v", v)
	}
	all := ev.Artifacts()
	if c := Count(all); c != (Counts{Verified: 1, Mismatch: 1, Unverifiable: 1}) {
		t.Errorf("counts %+v", c)
	}
	if ms := Mismatches(all); len(ms) != 1 || ms[0].PURL != "pkg:npm/%40babel/core@8.0.0-alpha.1" {
		t.Errorf("mismatches %v", ms)
	}
}

func TestCheckGoAfterArtifact(t *testing.T) {
	// The zip arrives before the checksum database lookup: verdicts are
	// given at the end, whatever the order.
	zip := readTestdata(t, "v1.3.0.zip")
	mod := readTestdata(t, "v1.3.0.mod")
	zipURL := "https://proxy.golang.org/go.uber.org/goleak/@v/v1.3.0.zip"
	modURL := "https://proxy.golang.org/go.uber.org/goleak/@v/v1.3.0.mod"
	lookupURL := "https://sum.golang.org/lookup/go.uber.org/goleak@v1.3.0"
	lookup := readTestdata(t, "goleak@v1.3.0.lookup")
	run := func(zipBody, modBody []byte) Verdict {
		z := artifactExchange(zipURL, zipBody, inspect(t, zipURL, "application/zip", "", zipBody)...)
		m := artifactExchange(modURL, modBody, inspect(t, modURL, "text/plain", "", modBody)...)
		l := artifactExchange(lookupURL, lookup, inspect(t, lookupURL, "text/plain", "", lookup)...)
		ev := collect(logOf(z, m, l), defaultClassifier())
		return ev.Check("pkg:golang/go.uber.org/goleak@v1.3.0", z.SHA256)
	}
	v := run(zip, mod)
	if v.Status != StatusVerified || v.GoH1 != goleakZipH1 || strings.Join(v.Sources, ",") != "Go checksum database h1" {
		t.Errorf("verified: %+v", v)
	}
	v = run(zip, append(mod, '\n'))
	if v.Status != StatusMismatch || len(v.Mismatches) != 1 || v.Mismatches[0].What != "go.mod" || v.Mismatches[0].Expected != goleakModH1 {
		t.Errorf("go.mod mismatch: %+v", v)
	}
}

func TestCheckMavenSidecarAndBareFallback(t *testing.T) {
	jar := "https://repo1.maven.org/maven2/org/example/lib/1.0/lib-1.0.jar"
	body := []byte("the jar")
	_, _, s1, _ := sums([]byte("the original jar"))
	side := capture.Exchange{URL: jar + ".sha1", Digests: inspect(t, jar+".sha1", "text/plain", "", []byte(s1+"  lib-1.0.jar"))}
	a := artifactExchange(jar, body)
	ev := collect(logOf(a, side), defaultClassifier())
	v := ev.Check("pkg:maven/org.example/lib@1.0?repository_url=https://repo1.maven.org/maven2", a.SHA256)
	if v.Status != StatusMismatch || v.Mismatches[0].Source != "Maven .sha1 sidecar" || v.Mismatches[0].Expected != s1 {
		t.Errorf("%+v", v)
	}
}

func TestCheckUncomparable(t *testing.T) {
	// A published MD5 but no MD5 computed over the bytes (a log written
	// without inspectors): unverifiable, and it says why.
	jar := "https://repo1.maven.org/maven2/org/example/lib/1.0/lib-1.0.jar"
	a := artifactExchange(jar, []byte("jar"))
	side := capture.Exchange{URL: jar + ".md5", Digests: []capture.Digest{{Subject: jar, Algorithm: "md5", Value: strings.Repeat("ab", 16), Source: "published"}}}
	v := collect(logOf(a, side), defaultClassifier()).Check("pkg:maven/org.example/lib@1.0", a.SHA256)
	if v.Status != StatusUnverifiable || !strings.Contains(v.Reason, "md5") {
		t.Errorf("%+v", v)
	}
}

func TestCheckCargoAndPyPI(t *testing.T) {
	crate := []byte("crate bytes")
	s256, _, _, _ := sums(crate)
	idx := fmt.Appendf(nil, `{"name":"fixture-crate","vers":"0.1.0","deps":[],"cksum":%q,"features":{}}`+"\n", s256)
	idxURL := "https://index.crates.io/fi/xt/fixture-crate"
	dl := artifactExchange("https://static.crates.io/crates/fixture-crate/0.1.0/download", crate)
	wheel := []byte("wheel")
	w256, _, _, _ := sums([]byte("other wheel"))
	whlURL := "https://files.pythonhosted.org/packages/aa/bb/cc/tiny_wheel-1.0.0-py3-none-any.whl"
	page := fmt.Appendf(nil, `<a href="%s#sha256=%s">w</a>`, whlURL, w256)
	ev := collect(logOf(
		capture.Exchange{URL: idxURL, Digests: inspect(t, idxURL, "text/plain", "", idx)},
		dl,
		capture.Exchange{URL: "https://pypi.org/simple/tiny-wheel/", ContentType: "text/html", Digests: inspect(t, "https://pypi.org/simple/tiny-wheel/", "text/html", "", page)},
		artifactExchange(whlURL, wheel),
	), defaultClassifier())
	if v := ev.Check("pkg:cargo/fixture-crate@0.1.0", dl.SHA256); v.Status != StatusVerified || v.Sources[0] != "crates.io index cksum" {
		t.Errorf("cargo: %+v", v)
	}
	wsum, _, _, _ := sums(wheel)
	if v := ev.Check("pkg:pypi/tiny-wheel@1.0.0?file_name=tiny_wheel-1.0.0-py3-none-any.whl", wsum); v.Status != StatusMismatch || v.Mismatches[0].Source != "PyPI simple index sha256" {
		t.Errorf("pypi: %+v", v)
	}
}
