package classify

import "testing"

func TestPyPI(t *testing.T) {
	const (
		A, M, S, API = KindArtifact, KindMetadata, KindSidecar, KindAPI
		py           = EcosystemPyPI
		files        = "https://files.pythonhosted.org/packages/"
	)
	runRows(t, []row{
		// The simple index and the JSON API.
		get("https://pypi.org/simple/", M, py, ""),
		get("https://pypi.org/simple/requests/", M, py, "pkg:pypi/requests"),
		get("https://pypi.org/simple/Django/", M, py, "pkg:pypi/django"),
		get("https://pypi.org/simple/zope.interface/", M, py, "pkg:pypi/zope-interface"),
		get("https://pypi.org/simple/typing_extensions/", M, py, "pkg:pypi/typing-extensions"),
		get("https://pypi.org/simple/requests", M, py, "pkg:pypi/requests"),
		get("https://pypi.org/pypi/requests/json", M, py, "pkg:pypi/requests"),
		get("https://pypi.org/pypi/Django/4.2.7/json", M, py, "pkg:pypi/django@4.2.7"),
		get("https://pypi.org/project/requests/", API, py, ""),
		get("https://pypi.org/search/?q=requests", API, py, ""),
		{method: "POST", url: "https://upload.pypi.org/legacy/", kind: KindUnclassified},
		{method: "POST", url: "https://pypi.org/legacy/", kind: API, eco: py},
		get("https://pypi.org/pypi/requests/xml", API, py, ""),
		// Wheels, with and without a build tag.
		get(files+"f9/9b/335f9764261e915ed497fcdeb11df5dfd6f7bf257d4a6a2a686d80da4d54/requests-2.32.3-py3-none-any.whl", A, py,
			"pkg:pypi/requests@2.32.3?file_name=requests-2.32.3-py3-none-any.whl"),
		get(files+"1a/2b/3c4d/Django-1.11.1-py2.py3-none-any.whl", A, py,
			"pkg:pypi/django@1.11.1?file_name=Django-1.11.1-py2.py3-none-any.whl"),
		get(files+"aa/bb/cc/numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", A, py,
			"pkg:pypi/numpy@1.26.4?file_name=numpy-1.26.4-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
		get(files+"aa/bb/cc/tensorflow_io_gcs_filesystem-0.36.0-cp311-cp311-macosx_10_14_x86_64.whl", A, py,
			"pkg:pypi/tensorflow-io-gcs-filesystem@0.36.0?file_name=tensorflow_io_gcs_filesystem-0.36.0-cp311-cp311-macosx_10_14_x86_64.whl"),
		get(files+"aa/bb/cc/foo-1.0-1-py3-none-any.whl", A, py, "pkg:pypi/foo@1.0?file_name=foo-1.0-1-py3-none-any.whl"),
		get(files+"aa/bb/cc/pyzmq-25.1.2-2build1-cp312-cp312-win_amd64.whl", A, py,
			"pkg:pypi/pyzmq@25.1.2?file_name=pyzmq-25.1.2-2build1-cp312-cp312-win_amd64.whl"),
		get(files+"aa/bb/cc/Zope.Interface-6.1-cp39-cp39-win32.whl", A, py,
			"pkg:pypi/zope-interface@6.1?file_name=Zope.Interface-6.1-cp39-cp39-win32.whl"),
		get(files+"aa/bb/cc/black-24.1.0rc1-py3-none-any.whl", A, py, "pkg:pypi/black@24.1.0rc1?file_name=black-24.1.0rc1-py3-none-any.whl"),
		get(files+"aa/bb/cc/torch-2.2.0%2Bcpu-cp311-cp311-linux_x86_64.whl", A, py,
			"pkg:pypi/torch@2.2.0%2Bcpu?file_name=torch-2.2.0%2Bcpu-cp311-cp311-linux_x86_64.whl"),
		// sdists, current and legacy names.
		get(files+"ba/bb/dfa0141a32d773c47e4dede1a617c59a23b74dd302e449cf85413fc96bc4/requests-0.2.0.tar.gz", A, py,
			"pkg:pypi/requests@0.2.0?file_name=requests-0.2.0.tar.gz"),
		get(files+"aa/bb/cc/python-dateutil-2.8.2.tar.gz", A, py,
			"pkg:pypi/python-dateutil@2.8.2?file_name=python-dateutil-2.8.2.tar.gz"),
		get(files+"aa/bb/cc/Django-1.11.1.tar.gz", A, py, "pkg:pypi/django@1.11.1?file_name=Django-1.11.1.tar.gz"),
		get(files+"aa/bb/cc/setuptools_scm-8.0.4.tar.gz", A, py, "pkg:pypi/setuptools-scm@8.0.4?file_name=setuptools_scm-8.0.4.tar.gz"),
		get(files+"aa/bb/cc/pyyaml-6.0.1.tar.gz", A, py, "pkg:pypi/pyyaml@6.0.1?file_name=pyyaml-6.0.1.tar.gz"),
		get(files+"aa/bb/cc/MarkupSafe-0.23.tar.gz", A, py, "pkg:pypi/markupsafe@0.23?file_name=MarkupSafe-0.23.tar.gz"),
		get(files+"aa/bb/cc/pycrypto-2.6.1.zip", A, py, "pkg:pypi/pycrypto@2.6.1?file_name=pycrypto-2.6.1.zip"),
		get(files+"aa/bb/cc/docutils-0.3.7.tar.bz2", A, py, "pkg:pypi/docutils@0.3.7?file_name=docutils-0.3.7.tar.bz2"),
		get(files+"aa/bb/cc/foo-bar-baz-1.0rc1.tgz", A, py, "pkg:pypi/foo-bar-baz@1.0rc1?file_name=foo-bar-baz-1.0rc1.tgz"),
		get(files+"aa/bb/cc/py3-ortools-9.8.tar.gz", A, py, "pkg:pypi/py3-ortools@9.8?file_name=py3-ortools-9.8.tar.gz"),
		get(files+"aa/bb/cc/setuptools-0.6c11-py2.7.egg", A, py, "pkg:pypi/setuptools@0.6c11?file_name=setuptools-0.6c11-py2.7.egg"),
		// Legacy links name the project: it resolves the name/version split.
		get(files+"source/p/python-dateutil/python-dateutil-2.8.2.tar.gz", A, py,
			"pkg:pypi/python-dateutil@2.8.2?file_name=python-dateutil-2.8.2.tar.gz"),
		get(files+"source/f/foo-2/foo-2-1.0.tar.gz", A, py, "pkg:pypi/foo-2@1.0?file_name=foo-2-1.0.tar.gz"),
		get(files+"py2.py3/s/six/six-1.16.0-py2.py3-none-any.whl", A, py, "pkg:pypi/six@1.16.0?file_name=six-1.16.0-py2.py3-none-any.whl"),
		// PEP 658 metadata and signatures.
		get(files+"aa/bb/cc/requests-2.32.3-py3-none-any.whl.metadata", M, py, "pkg:pypi/requests@2.32.3"),
		get(files+"aa/bb/cc/Django-4.2.7-py3-none-any.whl.metadata", M, py, "pkg:pypi/django@4.2.7"),
		get(files+"aa/bb/cc/requests-2.32.3.tar.gz.asc", S, py, "pkg:pypi/requests@2.32.3?file_name=requests-2.32.3.tar.gz"),
		get(files+"aa/bb/cc/requests-2.32.3-py3-none-any.whl.asc", S, py, "pkg:pypi/requests@2.32.3?file_name=requests-2.32.3-py3-none-any.whl"),
		// Files that are not distributions.
		get(files+"aa/bb/cc/README.txt", API, py, ""),
		get("https://files.pythonhosted.org/", API, py, ""),
		get(files+"aa/bb/cc/bad-name-py3-none-any.whl", A, EcosystemGeneric,
			"pkg:generic/bad-name-py3-none-any.whl?download_url=https:%2F%2Ffiles.pythonhosted.org%2Fpackages%2Faa%2Fbb%2Fcc%2Fbad-name-py3-none-any.whl"),
		// A wheel on any other host is a Python package from there; an
		// sdist only in PyPI's /packages/ layout.
		get("https://example.com/dist/requests-2.32.3-py3-none-any.whl", A, EcosystemPyPI,
			"pkg:pypi/requests@2.32.3?file_name=requests-2.32.3-py3-none-any.whl&repository_url=https:%2F%2Fexample.com%2Fdist"),
		get("https://pypi.corp.example/packages/ab/cd/0123abcd/requests-2.31.0.tar.gz", A, EcosystemPyPI,
			"pkg:pypi/requests@2.31.0?file_name=requests-2.31.0.tar.gz&repository_url=https:%2F%2Fpypi.corp.example"),
		get("https://example.com/dist/requests-2.31.0.tar.gz", A, EcosystemGeneric,
			"pkg:generic/requests@2.31.0?download_url=https:%2F%2Fexample.com%2Fdist%2Frequests-2.31.0.tar.gz"),
		// Look-alikes.
		none("https://pypi.org.evil.example/simple/requests/"),
		none("https://evilpypi.org/simple/requests/"),
		none("https://pypi.org@evil.example/simple/requests/"),
		none("https://pypi.org:8080/simple/requests/"),
		none("https://example.com/simple/requests/"),
	})
}

func TestNewPyPI(t *testing.T) {
	c, err := NewPyPI("https://nexus.example.com/repository/pypi-proxy")
	if err != nil {
		t.Fatal(err)
	}
	const repo = "repository_url=https:%2F%2Fnexus.example.com%2Frepository%2Fpypi-proxy"
	tests := []struct{ url, kind, purl string }{
		{"https://nexus.example.com/repository/pypi-proxy/simple/requests/", "metadata", "pkg:pypi/requests?" + repo},
		{"https://nexus.example.com/repository/pypi-proxy/packages/requests/2.31.0/requests-2.31.0.tar.gz", "artifact",
			"pkg:pypi/requests@2.31.0?file_name=requests-2.31.0.tar.gz&" + repo},
		{"https://nexus.example.com/repository/pypi-proxy/packages/requests/2.31.0/requests-2.31.0.tar.gz.metadata", "metadata",
			"pkg:pypi/requests@2.31.0?" + repo},
		{"https://nexus.example.com/repository/pypi-proxy/", "api", ""},
	}
	set := NewSet(c)
	for _, tt := range tests {
		f := set.Classify(Request{URL: tt.url})
		if string(f.Kind) != tt.kind || f.PURL != tt.purl {
			t.Errorf("%s: %s %s, want %s %s", tt.url, f.Kind, f.PURL, tt.kind, tt.purl)
		}
	}
}

func TestPEP503(t *testing.T) {
	for in, want := range map[string]string{
		"Django": "django", "zope.interface": "zope-interface", "a__b": "a-b", "A-_.B": "a-b",
		"typing_extensions": "typing-extensions", "-x-": "-x-", "": "",
	} {
		if got := PEP503Name(in); got != want {
			t.Errorf("PEP503Name(%q) = %q, want %q", in, got, want)
		}
	}
}
