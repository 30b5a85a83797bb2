package fakeregistry

import (
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestPrivateRegistries(t *testing.T) {
	p, err := StartPrivate(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	client := &http.Client{
		Transport:     &http.Transport{DialContext: p.DialContext, TLSClientConfig: &tls.Config{RootCAs: p.RootCAs()}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	get := func(u string) (int, string) {
		t.Helper()
		resp, err := client.Get(u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}

	// Metadata points at the private base, never at the public hosts.
	for _, tc := range []struct{ url, want string }{
		{PrivateNPMBase + "hello-lib", `"tarball":"` + PrivateNPMBase + "hello-lib/-/hello-lib-1.2.0.tgz"},
		{PrivatePyPIBase + "simple/tiny-wheel/", PrivatePyPIBase + "packages/"},
	} {
		code, body := get(tc.url)
		if code != 200 || !strings.Contains(strings.ReplaceAll(body, `": "`, `":"`), tc.want) {
			t.Errorf("%s: %d, body lacks %q:\n%.600s", tc.url, code, tc.want, body)
		}
		if strings.Contains(body, "https://"+HostNPM) || strings.Contains(body, "https://"+HostPyPIFiles) {
			t.Errorf("%s still names a public host:\n%.600s", tc.url, body)
		}
	}
	// Artifacts are the public bytes.
	arts := []string{
		PrivateNPMBase + "hello-lib/-/hello-lib-1.2.0.tgz",
		PrivateGoBase + "github.com/!example/!upper/@v/v1.0.0.zip",
		PrivateMavenBase + "org/example/fixture/fixture-lib/1.0.0/fixture-lib-1.0.0.jar",
	}
	for _, f := range p.Manifest().Artifacts("pypi") {
		if strings.HasSuffix(f.URL, ".whl") {
			arts = append(arts, PrivatePyPIBase+strings.TrimPrefix(f.URL, "https://"+HostPyPIFiles+"/"))
			break
		}
	}
	for _, u := range arts {
		pub, ok := p.PublicURL(u)
		if !ok {
			t.Fatalf("no public URL for %s", u)
		}
		f, ok := p.Manifest().Lookup(pub)
		if !ok {
			t.Fatalf("%s (%s) is not in the manifest", u, pub)
		}
		code, body := get(u)
		if code != 200 || body != string(f.Body) {
			t.Errorf("%s: %d, %d bytes, want the %d bytes of %s", u, code, len(body), len(f.Body), pub)
		}
	}
	if code, _ := get("https://npm.corp.example/elsewhere/x"); code != 404 {
		t.Errorf("outside the private bases: %d", code)
	}
	// Served lists the private URLs; the public hosts still answer.
	found := false
	for _, sv := range p.Served() {
		if sv.URL == arts[0] && sv.Status == 200 {
			found = true
		}
	}
	if !found {
		t.Errorf("Served lacks %s", arts[0])
	}
	if code, _ := get("https://" + HostNPM + "/hello-lib"); code != 200 {
		t.Errorf("public npm: %d", code)
	}
}
