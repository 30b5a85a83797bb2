package verify

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

func condaRepodata(numpy, dateutil string) []byte {
	return fmt.Appendf(nil, `{"info":{"subdir":"linux-64"},"packages":{
"python-dateutil-2.9.0-pyhd8ed1ab_0.tar.bz2":{"build":"pyhd8ed1ab_0","depends":["python >=3.7","six >=1.5"],"md5":"x","name":"python-dateutil","sha256":%q,"size":1,"version":"2.9.0"},
"bad-1-0.tar.bz2":{"sha256":"short"}},
"packages.conda":{"numpy-1.26.4-py312heda63a1_0.conda":{"build":"py312heda63a1_0","name":"numpy","sha256":%q,"version":"1.26.4","depends":[]},
"../evil-1-0.conda":{"sha256":%q}},
"removed":["x-1-0.tar.bz2"],"repodata_version":1}`, dateutil, numpy, numpy)
}

func zstdBytes(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := zstd.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestCondaRepodata(t *testing.T) {
	numpy, _, _, _ := sums([]byte("numpy"))
	dateutil, _, _, _ := sums([]byte("dateutil"))
	doc := condaRepodata(numpy, dateutil)
	want := []capture.Digest{
		{Subject: "https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py312heda63a1_0.conda", Algorithm: "sha256", Value: numpy, Source: "published"},
		{Subject: "https://conda.anaconda.org/conda-forge/linux-64/python-dateutil-2.9.0-pyhd8ed1ab_0.tar.bz2", Algorithm: "sha256", Value: dateutil, Source: "published"},
	}
	for name, body := range map[string][]byte{"repodata.json": doc, "repodata.json.zst": zstdBytes(t, doc)} {
		u := "https://conda.anaconda.org/conda-forge/linux-64/" + name
		f := classify.Default().Classify(classify.Request{URL: u})
		p := planFor(f, u, "application/json")
		if p.kind != bodyCondaRepodata {
			t.Fatalf("%s: plan %v", u, p.kind)
		}
		var got []capture.Digest
		if err := parsers[p.kind](bytes.NewReader(body), p, func(d capture.Digest) { got = append(got, d) }); err != nil {
			t.Fatal(err)
		}
		if digestSet(got) != digestSet(want) {
			t.Errorf("%s: got\n%s\nwant\n%s", name, digestSet(got), digestSet(want))
		}
	}
	// repodata v2 names where the packages are.
	v2 := bytes.Replace(doc, []byte(`"subdir":"linux-64"`), []byte(`"subdir":"linux-64","base_url":"https://mirror.corp.example/cf/linux-64"`), 1)
	u := "https://conda.anaconda.org/conda-forge/linux-64/repodata.json"
	var got []capture.Digest
	p := planFor(classify.Default().Classify(classify.Request{URL: u}), u, "")
	if err := parseCondaRepodata(bytes.NewReader(v2), p, func(d capture.Digest) { got = append(got, d) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !strings.HasPrefix(got[0].Subject, "https://mirror.corp.example/cf/linux-64/") {
		t.Errorf("v2: %+v", got)
	}
}

// The repodata's digests are not recorded with it: the package the build
// downloads records the one of its own file, and is verified by it.
func TestCondaThroughInspectors(t *testing.T) {
	pkg := []byte("numpy")
	numpy, _, _, _ := sums(pkg)
	dateutil, _, _, _ := sums([]byte("dateutil"))
	inspectFn := NewInspectFunc(classify.Default(), Options{})
	repodata := "https://conda.anaconda.org/conda-forge/linux-64/repodata.json.zst"
	rx := &capture.Exchange{Method: "GET", URL: repodata, Status: 200}
	in := inspectFn(rx)
	in.Write(zstdBytes(t, condaRepodata(numpy, dateutil)))
	if ds := in.Finish(true); len(ds) != 0 {
		t.Errorf("repodata recorded %d digests", len(ds))
	}
	good := "https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py312heda63a1_0.conda"
	gx := &capture.Exchange{Method: "GET", URL: good, Status: 200}
	in = inspectFn(gx)
	in.Write(pkg)
	gds := in.Finish(true)
	want := []capture.Digest{{Subject: good, Algorithm: "sha256", Value: numpy, Source: "published"}}
	if digestSet(gds) != digestSet(want) {
		t.Fatalf("package digests %+v", gds)
	}
	other := "https://conda.anaconda.org/conda-forge/linux-64/zlib-1.3.1-h4ab18f5_1.conda"
	in = inspectFn(&capture.Exchange{Method: "GET", URL: other, Status: 200})
	if ds := in.Finish(true); len(ds) != 0 {
		t.Errorf("unlisted package: %+v", ds)
	}
	art := artifactExchange(good, pkg, gds...)
	ev := collect(logOf(art), defaultClassifier())
	purl := "pkg:conda/numpy@1.26.4?build=py312heda63a1_0&channel=conda-forge&subdir=linux-64&type=conda"
	if v := ev.Check(purl, art.SHA256); v.Status != StatusVerified || strings.Join(v.Sources, ",") != "conda repodata sha256" {
		t.Errorf("verdict %+v", v)
	}
	bad := artifactExchange(good, []byte("tampered"), gds...)
	if v := collect(logOf(bad), defaultClassifier()).Check(purl, bad.SHA256); v.Status != StatusMismatch {
		t.Errorf("tampered: %+v", v)
	}
}
