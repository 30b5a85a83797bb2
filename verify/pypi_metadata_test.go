package verify

import (
	"bytes"
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
