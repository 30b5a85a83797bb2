package verify

import (
	"encoding/hex"
	"fmt"
	"testing"

	"golang.org/x/crypto/blake2b"

	"github.com/depaudit/depaudit/capture"
)

func TestPyPISimpleHTML(t *testing.T) {
	w, _, _, _ := sums([]byte("wheel"))
	s, _, _, _ := sums([]byte("sdist"))
	page := fmt.Appendf(nil, `<!DOCTYPE html>
<html>
  <head>
    <meta name="pypi:repository-version" content="1.1">
    <title>Links for requests</title>
  </head>
  <body>
    <h1>Links for requests</h1>
    <a href="https://files.pythonhosted.org/packages/f9/9b/335f9764261e915ed497fcdeb11df5dfd6f7bf257d4a6a2a686d80da4d54/requests-2.32.3-py3-none-any.whl#sha256=%s" data-requires-python="&gt;=3.8" data-dist-info-metadata="sha256=ab" data-core-metadata="sha256=ab">requests-2.32.3-py3-none-any.whl</a><br />
    <a href="../../packages/requests-2.32.3.tar.gz#SHA256=%s">requests-2.32.3.tar.gz</a><br />
    <a href="https://files.pythonhosted.org/packages/x/requests-0.1.tar.gz">no digest</a>
    <a href="https://files.pythonhosted.org/packages/y/requests-0.2.tar.gz#sha256=short">bad digest</a>
  </body>
</html>
<!--SERIAL 24000000-->`, w, s)
	want := []capture.Digest{
		{Subject: "https://files.pythonhosted.org/packages/f9/9b/335f9764261e915ed497fcdeb11df5dfd6f7bf257d4a6a2a686d80da4d54/requests-2.32.3-py3-none-any.whl", Algorithm: "sha256", Value: w, Source: "published"},
		{Subject: "https://pypi.org/packages/requests-2.32.3.tar.gz", Algorithm: "sha256", Value: s, Source: "published"},
	}
	got := inspect(t, "https://pypi.org/simple/requests/", "text/html; charset=utf-8", "", page)
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
	got = inspect(t, "https://pypi.org/simple/requests/", "application/vnd.pypi.simple.v1+html", "gzip", gzipped(t, page))
	if digestSet(got) != digestSet(want) {
		t.Errorf("gzip: got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

func TestPyPISimpleJSON(t *testing.T) {
	w, _, _, _ := sums([]byte("wheel"))
	page := fmt.Appendf(nil, `{"meta":{"api-version":"1.1","_last-serial":1},"name":"tiny-wheel",
"files":[{"filename":"tiny_wheel-1.0.0-py3-none-any.whl","url":"https://files.pythonhosted.org/packages/aa/bb/cc/tiny_wheel-1.0.0-py3-none-any.whl",
  "hashes":{"sha256":%q,"blake2b_256":"ignored"},"requires-python":">=3.8","core-metadata":{"sha256":"ab"},"size":5,"upload-time":"2024-01-01T00:00:00.000000Z","yanked":false},
 {"filename":"tiny_wheel-0.9.tar.gz","url":"../../files/tiny_wheel-0.9.tar.gz","hashes":{}}],
"versions":["0.9","1.0.0"]}`, w)
	got := inspect(t, "https://pypi.org/simple/tiny-wheel/", "application/vnd.pypi.simple.v1+json", "", page)
	want := []capture.Digest{{Subject: "https://files.pythonhosted.org/packages/aa/bb/cc/tiny_wheel-1.0.0-py3-none-any.whl", Algorithm: "sha256", Value: w, Source: "published"}}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

func TestPythonhostedBLAKE2b(t *testing.T) {
	body := []byte("a wheel's bytes")
	sum := blake2b.Sum256(body)
	h := hex.EncodeToString(sum[:])
	u := "https://files.pythonhosted.org/packages/" + h[:2] + "/" + h[2:4] + "/" + h[4:] + "/tiny_wheel-1.0.0-py3-none-any.whl"
	got := inspect(t, u, "application/octet-stream", "", body)
	want := []capture.Digest{
		{Subject: u, Algorithm: "blake2b-256", Value: h, Source: "published"},
		{Subject: u, Algorithm: "blake2b-256", Value: h, Source: "computed"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}
