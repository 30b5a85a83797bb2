package fakeregistry

import (
	"fmt"
	"math/rand/v2"
)

// Generic download host fixtures (an unknown vendor's installer).
const (
	// GenericInstallScriptURL is an installer script meant for `curl | sh`.
	GenericInstallScriptURL = "https://" + HostGeneric + "/install.sh"
)

// GenericBinaryURL is the tool's binary for the given Options.
func GenericBinaryURL(opts Options) string {
	return "https://" + HostGeneric + "/releases/" + genericVersion(opts) + "/toolbox"
}

// GenericTarballURL is the tool's release tarball for the given Options.
func GenericTarballURL(opts Options) string {
	v := genericVersion(opts)
	return "https://" + HostGeneric + "/releases/" + v + "/toolbox-" + v + "-linux-amd64.tar.gz"
}

func genericVersion(opts Options) string {
	if opts.Upgrade {
		return "1.5.0"
	}
	return "1.4.0"
}

// pseudoBinary returns n deterministic bytes that look like an executable.
func pseudoBinary(seed string, n int) []byte {
	var key [32]byte
	copy(key[:], seed)
	r := rand.NewChaCha8(key)
	b := make([]byte, n)
	_, _ = r.Read(b)
	copy(b, "\x7fELF\x02\x01\x01")
	return b
}

func addGeneric(b *builder) error {
	v := genericVersion(b.opts)
	seed := "toolbox " + v
	if b.opts.Republish {
		seed += " republished"
	}
	bin := pseudoBinary(seed, 48<<10)
	tgz, err := tarGz([]entry{{name: "toolbox-" + v + "/toolbox", body: bin, mode: 0o755}})
	if err != nil {
		return fmt.Errorf("generic tarball: %w", err)
	}
	b.file(File{URL: GenericBinaryURL(b.opts), Ecosystem: "generic", Kind: KindArtifact,
		PURL: purlWith("generic", "", "toolbox", "", "download_url", GenericBinaryURL(b.opts)), ContentType: "application/octet-stream", Body: bin})
	b.file(File{URL: GenericTarballURL(b.opts), Ecosystem: "generic", Kind: KindArtifact,
		PURL: purlWith("generic", "", "toolbox", v, "download_url", GenericTarballURL(b.opts)), ContentType: "application/gzip", Body: tgz})
	script := fmt.Sprintf("#!/bin/sh\n# toolbox %s installer (depaudit fixture)\nset -e\ncurl -fsSL %s -o \"${TMPDIR:-/tmp}/toolbox-%s.tar.gz\"\necho toolbox %s downloaded\n",
		v, GenericTarballURL(b.opts), v, v)
	b.file(File{URL: GenericInstallScriptURL, Ecosystem: "generic", Kind: KindArtifact,
		PURL: purlWith("generic", "", "install.sh", "", "download_url", GenericInstallScriptURL), ContentType: "text/x-shellscript", Body: []byte(script)})
	return nil
}
