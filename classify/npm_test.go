package classify

import "testing"

func TestNPM(t *testing.T) {
	const (
		A, M, S, API = KindArtifact, KindMetadata, KindSidecar, KindAPI
		npm          = EcosystemNPM
	)
	_ = S
	runRows(t, []row{
		// Tarballs.
		get("https://registry.npmjs.org/tiny-tarball/-/tiny-tarball-1.0.0.tgz", A, npm, "pkg:npm/tiny-tarball@1.0.0"),
		get("https://registry.npmjs.org/wrappy/-/wrappy-1.0.2.tgz", A, npm, "pkg:npm/wrappy@1.0.2"),
		get("https://registry.yarnpkg.com/wrappy/-/wrappy-1.0.2.tgz", A, npm, "pkg:npm/wrappy@1.0.2"),
		get("https://registry.npmjs.org/@babel/core/-/core-7.23.0.tgz", A, npm, "pkg:npm/%40babel/core@7.23.0"),
		get("https://registry.yarnpkg.com/@types/node/-/node-20.11.5.tgz", A, npm, "pkg:npm/%40types/node@20.11.5"),
		get("https://registry.npmjs.org/@babel%2fcore/-/core-7.23.0.tgz", A, npm, "pkg:npm/%40babel/core@7.23.0"),
		get("https://registry.npmjs.org/@babel%2Fcore/-/core-7.23.0.tgz", A, npm, "pkg:npm/%40babel/core@7.23.0"),
		get("https://registry.npmjs.org/@scope/pkg/-/@scope/pkg-1.0.0.tgz", A, npm, "pkg:npm/%40scope/pkg@1.0.0"),
		// Pre-release and build versions contain hyphens and plus signs.
		get("https://registry.npmjs.org/typescript/-/typescript-5.4.0-beta.tgz", A, npm, "pkg:npm/typescript@5.4.0-beta"),
		get("https://registry.npmjs.org/react/-/react-19.0.0-rc-6230622a1a-20240610.tgz", A, npm, "pkg:npm/react@19.0.0-rc-6230622a1a-20240610"),
		get("https://registry.npmjs.org/@angular/core/-/core-17.0.0-next.1.tgz", A, npm, "pkg:npm/%40angular/core@17.0.0-next.1"),
		get("https://registry.npmjs.org/foo/-/foo-1.0.0%2Bbuild.5.tgz", A, npm, "pkg:npm/foo@1.0.0%2Bbuild.5"),
		// Names with hyphens and digits: strip the known name, never split at a hyphen.
		get("https://registry.npmjs.org/is-number/-/is-number-7.0.0.tgz", A, npm, "pkg:npm/is-number@7.0.0"),
		get("https://registry.npmjs.org/string-width-cjs/-/string-width-cjs-4.2.3.tgz", A, npm, "pkg:npm/string-width-cjs@4.2.3"),
		get("https://registry.npmjs.org/es6-promise/-/es6-promise-4.2.8.tgz", A, npm, "pkg:npm/es6-promise@4.2.8"),
		get("https://registry.npmjs.org/JSONStream/-/JSONStream-1.3.5.tgz", A, npm, "pkg:npm/JSONStream@1.3.5"),
		get("https://registry.npmjs.org/lodash.merge/-/lodash.merge-4.6.2.tgz", A, npm, "pkg:npm/lodash.merge@4.6.2"),
		get("http://registry.npmjs.org/wrappy/-/wrappy-1.0.2.tgz", A, npm, "pkg:npm/wrappy@1.0.2"),
		get("https://REGISTRY.NPMJS.ORG./wrappy/-/wrappy-1.0.2.tgz", A, npm, "pkg:npm/wrappy@1.0.2"),
		get("https://registry.npmjs.org:443/wrappy/-/wrappy-1.0.2.tgz", A, npm, "pkg:npm/wrappy@1.0.2"),
		get("https://registry.npmjs.org/wrappy/-/wrappy-1.0.2.tgz?cache=1", A, npm, "pkg:npm/wrappy@1.0.2"),
		{method: "HEAD", url: "https://registry.npmjs.org/wrappy/-/wrappy-1.0.2.tgz", kind: A, eco: npm, purl: "pkg:npm/wrappy@1.0.2"},
		// Packuments and version documents.
		get("https://registry.npmjs.org/npm", M, npm, "pkg:npm/npm"),
		get("https://registry.npmjs.org/@babel%2fcore", M, npm, "pkg:npm/%40babel/core"),
		get("https://registry.npmjs.org/@babel%2Fcore", M, npm, "pkg:npm/%40babel/core"),
		get("https://registry.npmjs.org/@babel/core", M, npm, "pkg:npm/%40babel/core"),
		get("https://registry.yarnpkg.com/@types%2fnode", M, npm, "pkg:npm/%40types/node"),
		get("https://registry.npmjs.org/accepts/1.1.4", M, npm, "pkg:npm/accepts@1.1.4"),
		get("https://registry.npmjs.org/accepts/latest", M, npm, "pkg:npm/accepts"),
		get("https://registry.npmjs.org/@babel/core/7.23.0", M, npm, "pkg:npm/%40babel/core@7.23.0"),
		get("https://registry.npmjs.org/@babel%2fcore/latest", M, npm, "pkg:npm/%40babel/core"),
		// The registry's other endpoints.
		{method: "POST", url: "https://registry.npmjs.org/-/npm/v1/security/advisories/bulk", kind: API, eco: npm},
		{method: "POST", url: "https://registry.npmjs.org/-/npm/v1/security/audits/quick", kind: API, eco: npm},
		get("https://registry.npmjs.org/-/v1/search?text=react&size=20", API, npm, ""),
		get("https://registry.npmjs.org/-/whoami", API, npm, ""),
		get("https://registry.npmjs.org/-/package/react/dist-tags", API, npm, ""),
		{method: "PUT", url: "https://registry.npmjs.org/-/user/org.couchdb.user:alice", kind: API, eco: npm},
		{method: "PUT", url: "https://registry.npmjs.org/my-package", kind: API, eco: npm},
		get("https://registry.npmjs.org/", API, npm, ""),
		get("https://registry.npmjs.org/a/b/c/d", API, npm, ""),
		// A tarball path that does not parse is left to the generic classifier.
		get("https://registry.npmjs.org/foo/-/bar-1.0.0.tgz", A, EcosystemGeneric,
			"pkg:generic/bar@1.0.0?download_url=https:%2F%2Fregistry.npmjs.org%2Ffoo%2F-%2Fbar-1.0.0.tgz"),
		// Look-alike hosts, userinfo tricks and foreign ports never match.
		none("https://registry.npmjs.org.evil.example/wrappy"),
		none("https://evilregistry.npmjs.org/wrappy"),
		none("https://registry.npmjs.org@evil.example/wrappy"),
		none("https://registry.npmjs.org:8443/wrappy"),
		none("https://npmjs.org/wrappy"),
		none("https://registry-npmjs.org/wrappy"),
		// A tarball on any other host is an npm package from that
		// registry (never the public one): policy applies to it.
		get("https://registry.npmjs.org.evil.example/wrappy/-/wrappy-1.0.2.tgz", A, EcosystemNPM,
			"pkg:npm/wrappy@1.0.2?repository_url=https:%2F%2Fregistry.npmjs.org.evil.example"),
		get("https://npm.corp.example/npm/@corp/evil-pkg/-/evil-pkg-1.0.0.tgz", A, EcosystemNPM,
			"pkg:npm/%40corp/evil-pkg@1.0.0?repository_url=https:%2F%2Fnpm.corp.example%2Fnpm"),
		get("https://npm.corp.example/evil-pkg/-/other-1.0.0.tgz", A, EcosystemGeneric,
			"pkg:generic/other@1.0.0?download_url=https:%2F%2Fnpm.corp.example%2Fevil-pkg%2F-%2Fother-1.0.0.tgz"),
		none("ftp://registry.npmjs.org/wrappy"),
		none("registry.npmjs.org/wrappy"),
	})
}

func TestNewNPM(t *testing.T) {
	c, err := NewNPM("https://nexus.example.com/repository/npm-proxy/")
	if err != nil {
		t.Fatal(err)
	}
	set := Default().Prepend(c)
	tests := []struct{ url, kind, purl string }{
		{"https://nexus.example.com/repository/npm-proxy/@babel/core/-/core-7.23.0.tgz", "artifact",
			"pkg:npm/%40babel/core@7.23.0?repository_url=https:%2F%2Fnexus.example.com%2Frepository%2Fnpm-proxy"},
		{"https://nexus.example.com/repository/npm-proxy/lodash", "metadata",
			"pkg:npm/lodash?repository_url=https:%2F%2Fnexus.example.com%2Frepository%2Fnpm-proxy"},
		{"https://nexus.example.com/repository/npm-proxy/-/v1/search", "api", ""},
		{"https://nexus.example.com/repository/other/lodash", "unclassified", ""},
		// The public registry keeps its own purls.
		{"https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz", "artifact", "pkg:npm/lodash@4.17.21"},
	}
	for _, tt := range tests {
		f := set.Classify(Request{URL: tt.url})
		if string(f.Kind) != tt.kind || f.PURL != tt.purl {
			t.Errorf("%s: %s %s, want %s %s", tt.url, f.Kind, f.PURL, tt.kind, tt.purl)
		}
	}
	for _, bad := range []string{"", "nexus.example.com/npm", "ftp://nexus.example.com/", "https:///x", "https://h/x?y=1", "https://h/%zz"} {
		if _, err := NewNPM(bad); err == nil {
			t.Errorf("NewNPM(%q) accepted", bad)
		}
	}
}
