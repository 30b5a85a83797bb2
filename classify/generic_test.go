package classify

import "testing"

func TestGeneric(t *testing.T) {
	const (
		A   = KindArtifact
		gen = EcosystemGeneric
	)
	dl := func(u string) string { return "?download_url=" + u }
	runRows(t, []row{
		get("https://nodejs.example.test/dist/v20.11.0/node-v20.11.0-linux-x64.tar.xz", A, gen,
			"pkg:generic/node@v20.11.0"+dl("https:%2F%2Fnodejs.example.test%2Fdist%2Fv20.11.0%2Fnode-v20.11.0-linux-x64.tar.xz")),
		get("https://releases.example.test/terraform/1.7.0/terraform_1.7.0_linux_amd64.zip", A, gen,
			"pkg:generic/terraform@1.7.0"+dl("https:%2F%2Freleases.example.test%2Fterraform%2F1.7.0%2Fterraform_1.7.0_linux_amd64.zip")),
		get("https://get.helm.sh/helm-v3.14.0-linux-amd64.tar.gz", A, gen,
			"pkg:generic/helm@v3.14.0"+dl("https:%2F%2Fget.helm.sh%2Fhelm-v3.14.0-linux-amd64.tar.gz")),
		get("https://downloads.example.com/tool-2.0.0-rc1.tgz", A, gen,
			"pkg:generic/tool@2.0.0-rc1"+dl("https:%2F%2Fdownloads.example.com%2Ftool-2.0.0-rc1.tgz")),
		get("https://downloads.example.com/app-1.2.3.AppImage", A, gen,
			"pkg:generic/app@1.2.3"+dl("https:%2F%2Fdownloads.example.com%2Fapp-1.2.3.AppImage")),
		get("https://downloads.example.com/pkg_1.2.3-1_amd64.deb", A, gen,
			"pkg:generic/pkg@1.2.3"+dl("https:%2F%2Fdownloads.example.com%2Fpkg_1.2.3-1_amd64.deb")),
		get("https://downloads.example.com/Setup-4.5.exe", A, gen,
			"pkg:generic/Setup@4.5"+dl("https:%2F%2Fdownloads.example.com%2FSetup-4.5.exe")),
		get("https://downloads.example.com/foo-1.0.x86_64.rpm", A, gen,
			"pkg:generic/foo@1.0"+dl("https:%2F%2Fdownloads.example.com%2Ffoo-1.0.x86_64.rpm")),
		get("https://downloads.example.com/lib-3.1.4.tar.bz2", A, gen,
			"pkg:generic/lib@3.1.4"+dl("https:%2F%2Fdownloads.example.com%2Flib-3.1.4.tar.bz2")),
		// No clear version: the whole file name is the name.
		get("https://go.dev/dl/go1.22.0.linux-amd64.tar.gz", A, gen,
			"pkg:generic/go1.22.0.linux-amd64.tar.gz"+dl("https:%2F%2Fgo.dev%2Fdl%2Fgo1.22.0.linux-amd64.tar.gz")),
		get("https://sh.rustup.rs/rustup-init.sh", A, gen, "pkg:generic/rustup-init.sh"+dl("https:%2F%2Fsh.rustup.rs%2Frustup-init.sh")),
		get("https://example.com/install.sh?token=REDACTED", A, gen, "pkg:generic/install.sh"+dl("https:%2F%2Fexample.com%2Finstall.sh")),
		get("https://example.com/tool-v2.zip", A, gen, "pkg:generic/tool-v2.zip"+dl("https:%2F%2Fexample.com%2Ftool-v2.zip")),
		get("https://example.com/1.2-foo-3.4.zip", A, gen, "pkg:generic/1.2-foo-3.4.zip"+dl("https:%2F%2Fexample.com%2F1.2-foo-3.4.zip")),
		get("https://example.com/app.dmg", A, gen, "pkg:generic/app.dmg"+dl("https:%2F%2Fexample.com%2Fapp.dmg")),
		get("https://example.com/setup.msi", A, gen, "pkg:generic/setup.msi"+dl("https:%2F%2Fexample.com%2Fsetup.msi")),
		get("https://example.com/a/b/bundle.jar", A, gen, "pkg:generic/bundle.jar"+dl("https:%2F%2Fexample.com%2Fa%2Fb%2Fbundle.jar")),
		get("https://user:pw@example.com/firmware.bin#frag", A, gen, "pkg:generic/firmware.bin"+dl("https:%2F%2Fexample.com%2Ffirmware.bin")),
		// A file name with a space: the host names the download, without
		// a version guessed from it (the host is shorter than the extension).
		get("http://[::1]/x%20y.tar.gz", A, gen, "pkg:generic/::1"+dl("http:%2F%2F%5B::1%5D%2Fx%2520y.tar.gz")),
		get("https://a.example/x%20y-1.2.tar.gz", A, gen, "pkg:generic/a.example"+dl("https:%2F%2Fa.example%2Fx%2520y-1.2.tar.gz")),
		// By Content-Type, for a successful GET.
		{url: "https://dl.k8s.io/release/v1.29.1/bin/linux/amd64/kubectl", status: 200, ctype: "application/octet-stream",
			kind: A, eco: gen, purl: "pkg:generic/kubectl" + dl("https:%2F%2Fdl.k8s.io%2Frelease%2Fv1.29.1%2Fbin%2Flinux%2Famd64%2Fkubectl")},
		{url: "https://example.com/download?id=7", status: 200, ctype: "application/x-executable",
			kind: A, eco: gen, purl: "pkg:generic/download" + dl("https:%2F%2Fexample.com%2Fdownload")},
		{url: "https://get.example.com/", status: 200, ctype: "application/x-sh; charset=utf-8",
			kind: A, eco: gen, purl: "pkg:generic/get.example.com" + dl("https:%2F%2Fget.example.com%2F")},
		{url: "https://example.com/x", status: 206, ctype: "application/zip",
			kind: A, eco: gen, purl: "pkg:generic/x" + dl("https:%2F%2Fexample.com%2Fx")},
		// Not downloads: failures, other methods, pages and APIs.
		{url: "https://example.com/tool-1.0.tar.gz", status: 404, kind: KindUnclassified},
		{url: "https://example.com/tool-1.0.tar.gz", status: 302, location: "https://cdn.example.com/t.tgz", kind: KindUnclassified},
		{method: "POST", url: "https://example.com/upload.zip", kind: KindUnclassified},
		{method: "HEAD", url: "https://example.com/tool-1.0.tar.gz", kind: KindUnclassified},
		{url: "https://example.com/api/v1/things", status: 200, ctype: "application/json", kind: KindUnclassified},
		{url: "https://example.com/index.html", status: 200, ctype: "text/html", kind: KindUnclassified},
		{url: "https://example.com/x", status: 200, ctype: "application/octet-stream;;bad", kind: KindUnclassified},
		none("https://example.com/.zip"),
		none("https://example.com/archive.tar.gz/"),
		none("https://example.com/notes.txt"),
		none("mailto:someone@example.com"),
		none("not a url"),
		none(""),
	})
}

func TestGuessVersion(t *testing.T) {
	tests := []struct{ file, ext, name, version string }{
		{"node-v20.11.0-linux-x64.tar.xz", ".tar.xz", "node", "v20.11.0"},
		{"terraform_1.7.0_linux_amd64.zip", ".zip", "terraform", "1.7.0"},
		{"x-1.2.3.beta1.zip", ".zip", "x", "1.2.3.beta1"},
		{"x-1.2.dev3.zip", ".zip", "x", "1.2.dev3"},
		{"x-1.2-beta.2-linux.zip", ".zip", "x", "1.2-beta.2"},
		{"x-1.zip", ".zip", "", ""},
		{"x-1.2abc.zip", ".zip", "", ""},
		{"kubectl", "", "", ""},
		{"-1.2.zip", ".zip", "", ""},
	}
	for _, tt := range tests {
		n, v, ok := guessVersion(tt.file, tt.ext)
		if n != tt.name || v != tt.version || ok != (tt.name != "") {
			t.Errorf("guessVersion(%q) = %q %q %v, want %q %q", tt.file, n, v, ok, tt.name, tt.version)
		}
	}
}
