package classify

import "testing"

func TestConda(t *testing.T) {
	const (
		A, M, API = KindArtifact, KindMetadata, KindAPI
		conda     = EcosystemConda
	)
	runRows(t, []row{
		get("https://conda.anaconda.org/conda-forge/linux-64/numpy-1.26.4-py312heda63a1_0.conda", A, conda,
			"pkg:conda/numpy@1.26.4?build=py312heda63a1_0&channel=conda-forge&subdir=linux-64&type=conda"),
		get("https://conda.anaconda.org/conda-forge/noarch/python-dateutil-2.9.0-pyhd8ed1ab_0.tar.bz2", A, conda,
			"pkg:conda/python-dateutil@2.9.0?build=pyhd8ed1ab_0&channel=conda-forge&subdir=noarch&type=tar.bz2"),
		get("https://repo.anaconda.com/pkgs/main/linux-64/absl-py-0.4.1-py36h06a4308_0.tar.bz2", A, conda,
			"pkg:conda/absl-py@0.4.1?build=py36h06a4308_0&channel=main&subdir=linux-64&type=tar.bz2"),
		get("https://conda.anaconda.org/pytorch/label/nightly/osx-arm64/torch-2.3.0.dev20240301-py3.11_0.conda", A, conda,
			"pkg:conda/torch@2.3.0.dev20240301?build=py3.11_0&channel=pytorch&subdir=osx-arm64&type=conda"),
		get("https://conda.anaconda.org/conda-forge/linux-64/repodata.json", M, conda, ""),
		get("https://conda.anaconda.org/conda-forge/linux-64/repodata.json.zst", M, conda, ""),
		get("https://conda.anaconda.org/conda-forge/noarch/current_repodata.json", M, conda, ""),
		get("https://conda.anaconda.org/conda-forge/linux-64/repodata.jlap", M, conda, ""),
		get("https://conda.anaconda.org/conda-forge/linux-64/repodata_shards.msgpack.zst", M, conda, ""),
		get("https://conda.anaconda.org/conda-forge/linux-64/shards/0123abcd.msgpack.zst", M, conda, ""),
		get("https://conda.anaconda.org/conda-forge/channeldata.json", M, conda, ""),
		get("https://repo.anaconda.com/pkgs/main/win-64/repodata.json.bz2", M, conda, ""),
		get("https://conda.anaconda.org/conda-forge", API, conda, ""),
		{method: "POST", url: "https://conda.anaconda.org/conda-forge/linux-64/x", kind: API, eco: conda},
		// Look-alikes.
		get("https://conda.anaconda.org/conda-forge/Linux-64/numpy-1.26.4-py312_0.conda", API, conda, ""),
		get("https://conda.anaconda.org/conda-forge/linux-64/numpy.conda", API, conda, ""),
		none("https://conda.anaconda.org.evil.example/conda-forge/linux-64/repodata.json"),
	})
}

func TestNewConda(t *testing.T) {
	c, err := NewConda("https://artifactory.corp.example/api/conda/conda-remote")
	if err != nil {
		t.Fatal(err)
	}
	f := NewSet(c).Classify(Request{URL: "https://artifactory.corp.example/api/conda/conda-remote/linux-64/zlib-1.3.1-h4ab18f5_1.conda"})
	want := "pkg:conda/zlib@1.3.1?build=h4ab18f5_1&channel=conda-remote&repository_url=https:%2F%2Fartifactory.corp.example%2Fapi%2Fconda%2Fconda-remote&subdir=linux-64&type=conda"
	if f.Kind != KindArtifact || f.PURL != want {
		t.Errorf("%+v\nwant %s", f, want)
	}
	if _, err := NewConda("https://artifactory.corp.example/"); err == nil {
		t.Error("NewConda accepted a URL that names no channel")
	}
}
