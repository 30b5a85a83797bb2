package main

import (
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// hfUserAgent is what huggingface_hub sends.
const hfUserAgent = "huggingface_hub/0.20.3; python/3.11.7; torch/2.2.0"

// hfDownloadFlow is huggingface_hub's hf_hub_download of two files of a
// model at "main" (file_download.py): a HEAD of each resolve URL, which
// the hub answers with the file's metadata in headers (X-Repo-Commit,
// X-Linked-Etag, and for an LFS file a redirect to the CDN, which the HEAD
// does not follow), then a GET of the CDN URL (LFS) or of the resolve URL.
func hfDownloadFlow(opts fakeregistry.Options) []recordedStep {
	return []recordedStep{
		{head: true, url: fakeregistry.HuggingFaceModelURL},
		{url: fakeregistry.HuggingFaceCDNURL(opts)},
		{head: true, url: fakeregistry.HuggingFaceConfigURL},
		{url: fakeregistry.HuggingFaceConfigURL},
	}
}

// The weights file is named after the commit "main" resolved to (with the
// file as subpath) and verified against the SHA-256 the hub stated in
// X-Linked-Etag; a CDN that serves other bytes is a mismatch. The small
// file, whose ETag is a git blob id, stays unverifiable. (huggingface_hub
// itself uses the ETag to name its cache entry and does not compare it
// with the bytes.)
func TestE2EHuggingFaceRecorded(t *testing.T) {
	t.Parallel()
	e := newE2E(t, fakeregistry.Options{})
	const (
		weights = "pkg:huggingface/fixture-org/tiny-model@" + fakeregistry.HuggingFaceCommit + "#model.safetensors"
		config  = "pkg:huggingface/fixture-org/tiny-model@" + fakeregistry.HuggingFaceCommit + "#config.json"
	)
	good := verifyBuild(e, newTamperer(t, e), nil, e.replayCommand(t, hfUserAgent, hfDownloadFlow(fakeregistry.Options{}))...)
	good.mustSucceed(t)
	if v := good.verdict(t, weights); v != "verified" {
		t.Errorf("%s: %s\n%s", weights, v, good.stderr)
	}
	if src := good.prop(t, weights, "depaudit:verification:source"); len(src) != 1 || src[0] != "Hugging Face X-Linked-Etag" {
		t.Errorf("%s verified by %q", weights, src)
	}
	if v := good.verdict(t, config); v != "unverifiable" {
		t.Errorf("%s: %s", config, v)
	}
	if c := good.component(t, weights); c.Name != "tiny-model" || c.Group != "fixture-org" || c.Version != fakeregistry.HuggingFaceCommit {
		t.Errorf("component %s/%s@%s", c.Group, c.Name, c.Version)
	}

	cdn := fakeregistry.HuggingFaceCDNURL(fakeregistry.Options{})
	bad := verifyBuild(e, newTamperer(t, e, cdn), nil, e.replayCommand(t, hfUserAgent, hfDownloadFlow(fakeregistry.Options{}))...)
	bad.mustSucceed(t)
	if v := bad.verdict(t, weights); v != "mismatch" {
		t.Fatalf("tampered %s: %s\n%s", weights, v, bad.stderr)
	}
	pairs := bad.mismatchPairs(t, weights)
	orig, _ := e.reg.Manifest().Lookup(cdn)
	if len(pairs) != 1 || pairs[0].alg != "sha256" || pairs[0].expected != orig.SHA256 || pairs[0].source != "Hugging Face X-Linked-Etag" {
		t.Errorf("pairs %+v", pairs)
	}
}
