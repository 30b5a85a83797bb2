package fakeregistry

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestOCIRegistry(t *testing.T) {
	s := startT(t, Options{})
	img, err := OCIFixture(Options{})
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := get(t, s, img.Index)
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(resp.Header.Get("Www-Authenticate"), `realm="https://auth.docker.io/token"`) {
		t.Fatalf("anonymous index: %d %q", resp.StatusCode, resp.Header.Get("Www-Authenticate"))
	}
	resp, body := get(t, s, "https://"+HostDockerAuth+"/token?service=registry.docker.io&scope=repository:library/fixture:pull")
	var tok struct{ Token string }
	if resp.StatusCode != 200 || json.Unmarshal(body, &tok) != nil || tok.Token == "" {
		t.Fatalf("token: %d %s", resp.StatusCode, body)
	}
	auth := []string{"Authorization", "Bearer " + tok.Token}
	resp, body = get(t, s, img.Index, auth...)
	if resp.StatusCode != 200 || "sha256:"+hexDigest(body) != img.IndexDigest || resp.Header.Get("Docker-Content-Digest") != img.IndexDigest {
		t.Fatalf("index: %d %s %q", resp.StatusCode, hexDigest(body), resp.Header.Get("Docker-Content-Digest"))
	}
	if !strings.Contains(string(body), img.ManifestDigest) {
		t.Errorf("index does not name the amd64 manifest: %s", body)
	}
	resp, body = get(t, s, img.Manifest, auth...)
	if resp.StatusCode != 200 || !strings.Contains(string(body), img.ConfigDigest) || !strings.Contains(string(body), img.LayerDigest) {
		t.Errorf("manifest: %d %s", resp.StatusCode, body)
	}
	resp, _ = get(t, s, img.Layer, auth...)
	if resp.StatusCode != http.StatusTemporaryRedirect || !strings.HasPrefix(resp.Header.Get("Location"), img.LayerCDN+"?") {
		t.Errorf("layer: %d %q, want a redirect to the CDN", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = get(t, s, img.LayerCDN)
	if resp.StatusCode != 200 || "sha256:"+hexDigest(body) != img.LayerDigest {
		t.Errorf("CDN layer: %d", resp.StatusCode)
	}
}
