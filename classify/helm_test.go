package classify

import "testing"

func TestHelm(t *testing.T) {
	const helm = EcosystemHelm
	runRows(t, []row{
		get("https://charts.bitnami.com/bitnami/index.yaml", KindMetadata, helm, ""),
		get("https://fixture-org.github.io/charts/index.yaml", KindMetadata, helm, ""),
		get("https://charts.bitnami.com/bitnami/nginx-15.4.4.tgz", KindArtifact, helm,
			"pkg:generic/nginx@15.4.4?repository_url=https:%2F%2Fcharts.bitnami.com%2Fbitnami"),
		get("https://kubernetes.github.io/ingress-nginx/ingress-nginx-4.10.0-beta.1.tgz", KindArtifact, helm,
			"pkg:generic/ingress-nginx@4.10.0-beta.1?repository_url=https:%2F%2Fkubernetes.github.io%2Fingress-nginx"),
		get("https://charts.bitnami.com/bitnami/nginx-15.4.4.tgz.prov", KindSidecar, helm, ""),
		// Not charts: a .tgz without a version, another host's .tgz.
		get("https://charts.bitnami.com/bitnami/nginx.tgz", KindArtifact, EcosystemGeneric,
			"pkg:generic/nginx.tgz?download_url=https:%2F%2Fcharts.bitnami.com%2Fbitnami%2Fnginx.tgz"),
	})
}

func TestSplitChartFile(t *testing.T) {
	for _, c := range []struct{ in, name, version string }{
		{"nginx-15.4.4", "nginx", "15.4.4"},
		{"ingress-nginx-4.10.0", "ingress-nginx", "4.10.0"},
		{"k8s-1-dashboard-2.0.0-rc.1", "k8s-1-dashboard", "2.0.0-rc.1"},
		{"nginx", "", ""},
		{"-1.0.0", "", ""},
	} {
		name, version, ok := SplitChartFile(c.in)
		if name != c.name || version != c.version || ok != (c.name != "") {
			t.Errorf("SplitChartFile(%q) = %q %q %v", c.in, name, version, ok)
		}
	}
}
