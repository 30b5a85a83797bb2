package main

import (
	"context"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/internal/fakeregistry"
)

// originUpstream routes every upstream connection to one httptest TLS
// server, whose certificate is for example.com.
type originUpstream struct{ srv *httptest.Server }

func (o originUpstream) DialContext(ctx context.Context, network, _ string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, o.srv.Listener.Addr().String())
}

func (o originUpstream) RootCAs() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(o.srv.Certificate())
	return p
}

// secretRequestURLs are signed-URL and token formats (S3, GCS, Azure SAS,
// CloudFront, Akamai, tokens by name, separators, path parameters,
// fragments, nested URLs) that a build requests; every secret is spelled
// SECRET_….
var secretRequestURLs = []string{
	"https://example.com/s3/f.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIASECRET_S1%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-SignedHeaders=host&X-Amz-Security-Token=SECRET_S2&X-Amz-Signature=SECRET_S3",
	"https://example.com/s3v2/f.tgz?AWSAccessKeyId=SECRET_S4&Expires=1141889120&Signature=SECRET_S5",
	"https://example.com/gcs/obj?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=SECRET_G1&X-Goog-Signature=SECRET_G2",
	"https://example.com/gcs2/obj?GoogleAccessId=SECRET_G3&Expires=1566400000&Signature=SECRET_G4",
	"https://example.com/azure/b.zip?sv=2019-02-02&sr=b&sp=r&sig=SECRET_Z1",
	"https://example.com/cf/image.jpg?Expires=1357034400&Signature=SECRET_C1~x&Key-Pair-Id=SECRET_C2",
	"https://example.com/akamai/f.bin?hdnts=exp%3D1577836800~hmac%3DSECRET_K1",
	"https://example.com/akamai2/f.bin?__token__=exp=1577836800~hmac=SECRET_K2",
	"https://example.com/geo?edition_id=x&license_key=SECRET_N1&x-api-key=SECRET_N2&access_key=SECRET_N3",
	"https://example.com/n?private_key=SECRET_N4&auth_key=SECRET_N5&pass=SECRET_N6&passphrase=SECRET_N7",
	"https://example.com/s?PHPSESSID=SECRET_N8&sas=SECRET_N9&otp=SECRET_NA&ticket=SECRET_NB&bearer=SECRET_NC",
	"https://example.com/semi?x=1;token=SECRET_P1",
	"https://example.com/app;jsessionid=SECRET_P2/f.jar",
	"https://example.com/frag#access_token=SECRET_P3",
	"https://example.com/nest?next=https://u:SECRET_P4@h.example/",
	"https://example.com/nest2?next=https%3A%2F%2Fu%3ASECRET_P5%40h.example%2F",
}

// TestE2ESecretsNeverReachAnOutput runs a build whose command line and
// requests carry secrets in every form, and whose server redirects with
// secrets in Location headers (one that does not parse), with --debug,
// then reports the capture log as XML: no secret appears in the capture
// log, the SBOM (JSON and XML), the unclassified calls, stdout or stderr.
func TestE2ESecretsNeverReachAnOutput(t *testing.T) {
	t.Parallel()
	curl := requireClient(t, "curl")
	origin := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect":
			w.Header().Set("Location", "https://example.com/target?X-Amz-Signature=SECRET_L1&token=SECRET_L2#access_token=SECRET_L3")
			w.WriteHeader(http.StatusFound)
		case "/badloc":
			w.Header().Set("Location", "https://example.com/t?v=%zzSECRET_L4")
			w.WriteHeader(http.StatusFound)
		case "/relloc":
			w.Header().Set("Location", "/next;jsessionid=SECRET_L5?continue=https%3A%2F%2Fu%3ASECRET_L6%40h.example%2F")
			w.WriteHeader(http.StatusFound)
		default:
			io.WriteString(w, "ok\n")
		}
	}))
	origin.StartTLS()
	t.Cleanup(origin.Close)

	e := newE2E(t, fakeregistry.Options{})
	script := `c() { "$CURL" -s -o /dev/null "$@"; }
c -H "Authorization: Bearer SECRET_A1" -H "Cookie: sid=SECRET_A2" -u "bob:SECRET_A3" "https://u:SECRET_A4@example.com/x?token=SECRET_A5"
c -H "Proxy-Authorization: Basic SECRET_A6" --oauth2-bearer SECRET_A7 https://example.com/y
c https://example.com/redirect; c https://example.com/badloc; c https://example.com/relloc
c -H 'Host: example.com%zz' 'https://example.com/dbg?token=SECRET_D1'
for u in "$@"; do c "$u"; done
echo //registry.npmjs.org/:_authToken=SECRET_A8 > /dev/null
`
	e.env["CURL"] = curl
	res := e.runBuild(originUpstream{origin}, []string{"--debug"}, append([]string{"sh", "-c", script, "sh"}, secretRequestURLs...)...)
	if res.code != 0 || res.log == nil {
		t.Fatalf("build: exit %d\n%s", res.code, res.stderr)
	}
	if len(res.log.Exchanges) < len(secretRequestURLs)+5 {
		t.Fatalf("only %d exchanges recorded:\n%s", len(res.log.Exchanges), describeLog(res.log))
	}
	if !strings.Contains(res.stderr, "Cannot parse URL") {
		t.Errorf("no unparseable URL in the --debug output; stderr:\n%s", res.stderr)
	}

	xmlPath := filepath.Join(e.home, "report.cdx.xml")
	env, _, read := testEnv(t)
	if code := run(context.Background(), env, []string{"depaudit", "report", "--format", "xml", "-o", xmlPath, res.capturePath}); code != 0 {
		_, stderr := read()
		t.Fatalf("report: exit %d\n%s", code, stderr)
	}
	reportOut, reportErr := read()

	outputs := map[string]string{"stdout": res.stdout, "stderr": res.stderr, "report stdout": reportOut, "report stderr": reportErr}
	for _, p := range []string{res.capturePath, res.sbomPath, res.unclassifiedPath, xmlPath} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("output %s: %v", p, err)
		}
		outputs[filepath.Base(p)] = string(b)
	}
	secret := regexp.MustCompile(`SECRET_[A-Z0-9]+`)
	for name, content := range outputs {
		for _, line := range strings.Split(content, "\n") {
			if s := secret.FindString(line); s != "" {
				t.Errorf("%s holds %s: %.300s", name, s, line)
			}
		}
	}
	// What is not secret is still there, verbatim.
	if !strings.Contains(outputs["depaudit.capture.jsonl"], `/app;jsessionid=REDACTED/f.jar`) ||
		!strings.Contains(outputs["depaudit.capture.jsonl"], `-H \"Authorization: Bearer REDACTED\"`) {
		t.Errorf("capture log lost what is not secret:\n%s", outputs["depaudit.capture.jsonl"][:min(2000, len(outputs["depaudit.capture.jsonl"]))])
	}
}
