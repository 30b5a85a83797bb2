package classify

import "testing"

const ociD = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

func TestOCI(t *testing.T) {
	const (
		A, API = KindArtifact, KindAPI
		oci    = EcosystemOCI
	)
	runRows(t, []row{
		get("https://registry-1.docker.io/v2/library/alpine/manifests/3.19", A, oci,
			"pkg:oci/alpine?repository_url=docker.io%2Flibrary%2Falpine&tag=3.19"),
		get("https://registry-1.docker.io/v2/library/alpine/manifests/"+ociD, A, oci,
			"pkg:oci/alpine@"+ociD+"?repository_url=docker.io%2Flibrary%2Falpine"),
		get("https://registry-1.docker.io/v2/library/alpine/blobs/"+ociD, A, oci,
			"pkg:oci/alpine@"+ociD+"?repository_url=docker.io%2Flibrary%2Falpine"),
		{url: "https://registry-1.docker.io/v2/library/alpine/blobs/" + ociD, status: 307,
			location: "https://production.cloudflare.docker.com/registry-v2/docker/registry/v2/blobs/sha256/01/x/data?sig=1",
			kind:     A, eco: oci, purl: "pkg:oci/alpine@" + ociD + "?repository_url=docker.io%2Flibrary%2Falpine"},
		get("https://ghcr.io/v2/owner/team/tool/manifests/v1.2.3", A, oci,
			"pkg:oci/tool?repository_url=ghcr.io%2Fowner%2Fteam%2Ftool&tag=v1.2.3"),
		get("https://quay.io/v2/prometheus/node-exporter/manifests/latest", A, oci,
			"pkg:oci/node-exporter?repository_url=quay.io%2Fprometheus%2Fnode-exporter&tag=latest"),
		get("https://gcr.io/v2/distroless/static/manifests/latest", A, oci,
			"pkg:oci/static?repository_url=gcr.io%2Fdistroless%2Fstatic&tag=latest"),
		get("https://us.gcr.io/v2/proj/img/blobs/"+ociD, A, oci, "pkg:oci/img@"+ociD+"?repository_url=us.gcr.io%2Fproj%2Fimg"),
		get("https://europe-west1-docker.pkg.dev/v2/proj/repo/img/manifests/1.0", A, oci,
			"pkg:oci/img?repository_url=europe-west1-docker.pkg.dev%2Fproj%2Frepo%2Fimg&tag=1.0"),
		get("https://public.ecr.aws/v2/docker/library/nginx/manifests/1.25", A, oci,
			"pkg:oci/nginx?repository_url=public.ecr.aws%2Fdocker%2Flibrary%2Fnginx&tag=1.25"),
		get("https://mcr.microsoft.com/v2/dotnet/runtime/manifests/8.0", A, oci,
			"pkg:oci/runtime?repository_url=mcr.microsoft.com%2Fdotnet%2Fruntime&tag=8.0"),
		get("https://registry.k8s.io/v2/pause/manifests/3.9", A, oci, "pkg:oci/pause?repository_url=registry.k8s.io%2Fpause&tag=3.9"),
		// API: version check, tokens, tag lists, catalog, uploads.
		get("https://registry-1.docker.io/v2/", API, oci, ""),
		get("https://auth.docker.io/token?scope=repository%3Alibrary%2Falpine%3Apull&service=registry.docker.io", API, oci, ""),
		get("https://ghcr.io/token?scope=repository:owner/tool:pull", API, oci, ""),
		get("https://registry-1.docker.io/v2/library/alpine/tags/list", API, oci, ""),
		get("https://registry-1.docker.io/v2/_catalog", API, oci, ""),
		{method: "POST", url: "https://ghcr.io/v2/owner/tool/blobs/uploads/", kind: API, eco: oci},
		{method: "PUT", url: "https://ghcr.io/v2/owner/tool/manifests/v1", kind: API, eco: oci},
		get("https://registry-1.docker.io/v2/library/alpine/manifests/bad%20tag", API, oci, ""),
		get("https://registry-1.docker.io/v2/library/alpine/blobs/sha256:short", API, oci, ""),
		get("https://registry-1.docker.io/v2/Library/alpine/manifests/3", API, oci, ""),
		none("https://example.gcr.io.evil.test/v2/x/manifests/1"),
	})
}

func TestOCIPrivateRegistry(t *testing.T) {
	c, err := NewOCI("https://registry.corp.example:5000")
	if err != nil {
		t.Fatal(err)
	}
	f, _ := c.Classify(Request{URL: "https://registry.corp.example:5000/v2/team/app/manifests/2.0"})
	if f.Kind != KindArtifact || f.PURL != "pkg:oci/app?repository_url=registry.corp.example:5000%2Fteam%2Fapp&tag=2.0" {
		t.Errorf("%+v", f)
	}
	if got := OCIPURL("docker.io/library/alpine", ociD, "3.19"); got != "pkg:oci/alpine@"+ociD+"?repository_url=docker.io%2Flibrary%2Falpine&tag=3.19" {
		t.Errorf("OCIPURL = %s", got)
	}
}

func FuzzOCI(f *testing.F) { fuzzClassifier(f, DefaultOCI()) }
