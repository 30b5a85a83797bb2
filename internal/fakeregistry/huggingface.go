package fakeregistry

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// Hugging Face hosts: the hub and the CDN LFS files redirect to.
const (
	HostHuggingFace    = "huggingface.co"
	HostHuggingFaceCDN = "cdn-lfs.hf.co"
)

// HuggingFaceCommit is the commit the fixture model's main branch
// resolves to.
const HuggingFaceCommit = "0123456789abcdef0123456789abcdef01234567"

// Hugging Face fixture URLs: an LFS weights file (redirected to the CDN)
// and a small file served by the hub itself.
const (
	HuggingFaceModelURL  = "https://" + HostHuggingFace + "/fixture-org/tiny-model/resolve/main/model.safetensors"
	HuggingFaceConfigURL = "https://" + HostHuggingFace + "/fixture-org/tiny-model/resolve/main/config.json"
)

// HuggingFaceCDNURL is where the weights file redirects.
func HuggingFaceCDNURL(opts Options) string {
	f := huggingFaceWeights(opts)
	return "https://" + HostHuggingFaceCDN + "/repos/ab/cd/abcd0123/" + sha256Hex(f)
}

func huggingFaceWeights(opts Options) []byte {
	seed := "tiny-model weights"
	if opts.Republish {
		seed += " republished"
	}
	return pseudoBinary(seed, 32<<10)
}

func addHuggingFace(b *builder) error {
	weights := huggingFaceWeights(b.opts)
	config := []byte(`{"architectures":["TinyModel"],"hidden_size":8}` + "\n")
	purl := func(file string) string {
		return "pkg:huggingface/fixture-org/tiny-model@" + HuggingFaceCommit + "#" + file
	}
	cdn := HuggingFaceCDNURL(b.opts)
	wf := b.file(File{URL: HuggingFaceModelURL, Aliases: []string{cdn}, Ecosystem: "huggingface", Kind: KindArtifact,
		PURL: purl("model.safetensors"), ContentType: "binary/octet-stream", Body: weights})
	cf := b.file(File{URL: HuggingFaceConfigURL, Ecosystem: "huggingface", Kind: KindArtifact,
		PURL: purl("config.json"), ContentType: "application/json", Body: config})
	// The hub answers a resolve URL of an LFS file with a redirect to the
	// CDN, stating the file's SHA-256 (X-Linked-Etag) and the commit.
	b.serveFunc(HostHuggingFace, "/fixture-org/tiny-model/resolve/main/model.safetensors", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Repo-Commit", HuggingFaceCommit)
		h.Set("X-Linked-Etag", `"`+wf.SHA256+`"`)
		h.Set("X-Linked-Size", strconv.Itoa(len(wf.Body)))
		http.Redirect(w, r, cdn, http.StatusFound)
	})
	// A small file is served by the hub; its ETag is its git blob SHA-1.
	b.serveFunc(HostHuggingFace, "/fixture-org/tiny-model/resolve/main/config.json", func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Repo-Commit", HuggingFaceCommit)
		h.Set("ETag", `"`+gitBlobSHA1(cf.Body)+`"`)
		h.Set("Content-Type", cf.ContentType)
		http.ServeContent(w, r, "", fixtureTime, bytes.NewReader(cf.Body))
	})
	info, err := json.Marshal(map[string]any{"id": "fixture-org/tiny-model", "sha": HuggingFaceCommit,
		"siblings": []map[string]string{{"rfilename": "config.json"}, {"rfilename": "model.safetensors"}}})
	if err != nil {
		return fmt.Errorf("hugging face model info: %w", err)
	}
	b.file(File{URL: "https://" + HostHuggingFace + "/api/models/fixture-org/tiny-model/revision/main", Ecosystem: "huggingface",
		Kind: KindMetadata, ContentType: "application/json", Body: info})
	return nil
}

// gitBlobSHA1 is git's object id of a file.
func gitBlobSHA1(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}
