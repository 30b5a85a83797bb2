package capture

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// deniedResponse is the 403 the proxy answers a request that the Gate
// denied. Clients show different parts of an error response, so the reason
// goes in all of them: the status line's reason phrase (pip, cargo, Maven,
// curl -v), a JSON body with an "error" member when the client accepts JSON
// (npm prints it), else a plain-text body.
func deniedResponse(req *http.Request, denial string) *http.Response {
	msg := "depaudit: denied by policy: " + denial
	phrase := "Forbidden by depaudit policy: " + reasonPhrase(denial)
	var body, ctype string
	if accept := req.Header.Get("Accept"); strings.Contains(accept, "json") {
		b, _ := json.Marshal(map[string]string{"error": msg})
		body, ctype = string(b)+"\n", "application/json"
	} else {
		body, ctype = msg+"\n", "text/plain; charset=utf-8"
	}
	return &http.Response{
		Status:        "403 " + phrase,
		StatusCode:    http.StatusForbidden,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Request:       req,
		Header:        http.Header{"Content-Type": {ctype}, "X-Depaudit-Denied": {"1"}},
		Body:          io.NopCloser(strings.NewReader(body)),
		ContentLength: int64(len(body)),
	}
}

// reasonPhrase makes s safe for an HTTP status line: printable ASCII on
// one line, bounded in length.
func reasonPhrase(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= 200 {
			b.WriteString("...")
			break
		}
		if r >= 0x20 && r < 0x7f {
			b.WriteRune(r)
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}
