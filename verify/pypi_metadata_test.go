package verify

import (
	"bytes"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
)

const coreMetadataURL = "https://files.pythonhosted.org/packages/ab/cd/ef0123/Requests_OAuth-2.1.0-py3-none-any.whl.metadata"

func TestPyPICoreMetadataFacts(t *testing.T) {
	for _, tc := range []struct {
		name, metadata string
		licenses       []string
		requires       []string
	}{{
		name: "PEP 639 expression, requirements with extras and markers",
		metadata: "Metadata-Version: 2.4\nName: Requests-OAuth\nVersion: 2.1.0\nLicense-Expression: Apache-2.0 OR MIT\n" +
			"License: ignored when an expression is given\nClassifier: License :: OSI Approved :: MIT License\n" +
			"Requires-Dist: charset_normalizer<4,>=2\nRequires-Dist: PySocks!=1.5.7,>=1.5.6; extra == \"socks\"\n" +
			"Requires-Dist: importlib-metadata>=4.4;\n  python_version < \"3.10\"\n\nLong description: Requires-Dist: not-a-header\n",
		licenses: []string{"Apache-2.0 OR MIT"},
		requires: []string{"charset_normalizer<4,>=2", "PySocks!=1.5.7,>=1.5.6; extra == \"socks\"", "importlib-metadata>=4.4; python_version < \"3.10\""},
	}, {
		name:     "one-line License field",
		metadata: "Metadata-Version: 2.1\nName: Requests-OAuth\nVersion: 2.1.0\nLicense: BSD-3-Clause\nClassifier: License :: OSI Approved :: BSD License\n",
		licenses: []string{"BSD-3-Clause"},
	}, {
		name: "a whole licence text in License, UNKNOWN: classifiers instead",
		metadata: "Metadata-Version: 2.1\nName: Requests-OAuth\nVersion: 2.1.0\nLicense: Copyright (c) 2024 Someone\n        Permission is hereby granted\n" +
			"Classifier: Programming Language :: Python\nClassifier: License :: OSI Approved :: MIT License\nClassifier: License :: OSI Approved :: Apache Software License\n",
		licenses: []string{"MIT", "Apache Software License"},
	}, {
		name:     "nothing stated",
		metadata: "Metadata-Version: 2.1\nName: Requests-OAuth\nVersion: 2.1.0\nLicense: UNKNOWN\n",
	}} {
		subject := "pkg:pypi/requests-oauth@2.1.0"
		want := []capture.Digest{{Subject: subject, Algorithm: FactManifest, Value: "METADATA", Source: SourceFact}}
		for _, l := range tc.licenses {
			want = append(want, capture.Digest{Subject: subject, Algorithm: FactLicense, Value: l, Source: SourceFact})
		}
		for _, r := range tc.requires {
			want = append(want, capture.Digest{Subject: subject, Algorithm: FactRequires, Value: r, Source: SourceFact})
		}
		if got := digestSet(inspect(t, coreMetadataURL, "binary/octet-stream", "", []byte(tc.metadata))); got != digestSet(want) {
			t.Errorf("%s: facts:\n%s\nwant\n%s", tc.name, got, digestSet(want))
		}
	}
}

func FuzzPyPICoreMetadata(f *testing.F) {
	f.Add([]byte("Metadata-Version: 2.4\nName: a\nLicense-Expression: MIT\nRequires-Dist: b>=1; extra == \"x\"\n\nbody"))
	f.Add([]byte("Metadata-Version: 2.1\nName: a\nLicense: line\n  continued\nClassifier: License :: OSI Approved :: MIT License\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := planFor(defaultClassifier().Classify(classifyReq(coreMetadataURL)), coreMetadataURL, "")
		_ = parsePyPICoreMetadata(bytes.NewReader(data), p, func(d capture.Digest) {
			if d.Subject != "pkg:pypi/requests-oauth@2.1.0" || d.Source != SourceFact || d.Value == "" {
				t.Fatalf("bad fact %+v", d)
			}
		})
	})
}

// TestPyPIJSONAPIFacts: the JSON API's info gives the licence and the
// requirements of the version it describes, its urls and releases the
// files' digests.
func TestPyPIJSONAPIFacts(t *testing.T) {
	const sha = "58cd2187c01e70e6e26505bca751777aa9f2ee0b7f4300988b709f44e013003f"
	doc := `{"info":{"name":"Requests","version":"2.31.0","description":"long text","license":"Apache 2.0",
"license_expression":null,"classifiers":["License :: OSI Approved :: Apache Software License"],
"requires_dist":["charset-normalizer (<4,>=2)","PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'"]},
"last_serial":1,"urls":[{"filename":"requests-2.31.0-py3-none-any.whl","url":"https://files.pythonhosted.org/packages/70/8e/0e2d847013cb52cd35b38c009bb167a1a26b2ce6cd6965bf26b47bc0bf44/requests-2.31.0-py3-none-any.whl",
"digests":{"blake2b_256":"708e0e2d847013cb52cd35b38c009bb167a1a26b2ce6cd6965bf26b47bc0bf44","md5":"","sha256":"` + sha + `"}}],"vulnerabilities":[]}`
	const u = "https://pypi.org/pypi/requests/2.31.0/json"
	subject := "pkg:pypi/requests@2.31.0"
	want := []capture.Digest{
		{Subject: subject, Algorithm: FactManifest, Value: "PyPI JSON API", Source: SourceFact},
		{Subject: subject, Algorithm: FactLicense, Value: "Apache 2.0", Source: SourceFact},
		{Subject: subject, Algorithm: FactRequires, Value: "charset-normalizer (<4,>=2)", Source: SourceFact},
		{Subject: subject, Algorithm: FactRequires, Value: "PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'", Source: SourceFact},
		{Subject: "https://files.pythonhosted.org/packages/70/8e/0e2d847013cb52cd35b38c009bb167a1a26b2ce6cd6965bf26b47bc0bf44/requests-2.31.0-py3-none-any.whl", Algorithm: "sha256", Value: sha, Source: SourcePublished},
	}
	if got := digestSet(inspect(t, u, "application/json", "", []byte(doc))); got != digestSet(want) {
		t.Errorf("facts:\n%s\nwant\n%s", got, digestSet(want))
	}
	// The project document's info is the latest version's: not a fact of
	// another version's document.
	if got := digestSet(inspect(t, "https://pypi.org/pypi/requests/2.30.0/json", "application/json", "", []byte(doc))); strings.Contains(got, "fact") {
		t.Errorf("facts of 2.31.0 from the 2.30.0 document:\n%s", got)
	}
}

func FuzzPyPIJSONAPI(f *testing.F) {
	f.Add([]byte(`{"info":{"name":"a","version":"1","license_expression":"MIT","requires_dist":["b"]},"urls":[{"url":"https://x/a-1.whl","digests":{"sha256":"00"}}],"releases":{"1":[]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		const u = "https://pypi.org/pypi/a/json"
		p := planFor(defaultClassifier().Classify(classifyReq(u)), u, "application/json")
		_ = parsePyPIJSONAPI(bytes.NewReader(data), p, func(d capture.Digest) {
			if d.Source == SourceFact && !strings.HasPrefix(d.Subject, "pkg:pypi/a@") {
				t.Fatalf("bad fact %+v", d)
			}
		})
	})
}
