package capture_test

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/depaudit/depaudit/capture"
)

// A capture log is written one line per finished exchange and read back,
// even when the run died before its trailer.
func ExampleReadLog() {
	var buf bytes.Buffer
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	lw, _ := capture.NewLogWriter(&buf, capture.Header{Version: "1.0.0", Start: start, Command: []string{"npm", "ci"}})
	lw.WriteExchange(&capture.Exchange{
		ID: 1, Start: start, Method: "GET", URL: "https://registry.npmjs.org/is-number/-/is-number-7.0.0.tgz",
		Host: "registry.npmjs.org", Status: 200, ContentLength: 3730, Bytes: 3730, Complete: true,
		SHA256: "7b75c1057198cf97696909a9bee176c9c5e9bcb5b03bf3ecef2f484defadd51e",
	})
	// No trailer: the run was killed.

	l, err := capture.ReadLog(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(l.Header.Format, l.Header.Command)
	for _, x := range l.Exchanges {
		fmt.Println(x.Method, x.URL, x.Status, x.Complete)
	}
	fmt.Println("truncated:", l.Truncated())
	// Output:
	// depaudit.capture/v1 [npm ci]
	// GET https://registry.npmjs.org/is-number/-/is-number-7.0.0.tgz 200 true
	// truncated: true
}

// A capture log of any size is read from its file one exchange at a time,
// in the order the exchanges started, though its lines are in the order
// they ended.
func ExampleOpenLog() {
	var buf bytes.Buffer
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	lw, _ := capture.NewLogWriter(&buf, capture.Header{Version: "1.0.0", Start: start, Command: []string{"go", "build"}})
	// The module zip took longer than its go.mod, asked for after it.
	lw.WriteExchange(&capture.Exchange{ID: 2, Start: start, Method: "GET", URL: "https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.mod", Status: 200, Complete: true})
	lw.WriteExchange(&capture.Exchange{ID: 1, Start: start, Method: "GET", URL: "https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.zip", Status: 200, Complete: true})
	lw.Close(capture.Trailer{End: start.Add(time.Second)})

	// A file in practice: any io.ReaderAt and its size.
	f, err := capture.OpenLog(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Len(), "exchanges, truncated:", f.Log.Truncated())
	f.Exchanges(func(x *capture.Exchange) error {
		fmt.Println(x.ID, x.URL)
		return nil
	})
	// Output:
	// 2 exchanges, truncated: false
	// 1 https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.zip
	// 2 https://proxy.golang.org/rsc.io/quote/@v/v1.5.2.mod
}

// Credentials never reach an output: userinfo and credential-looking query
// parameters are replaced.
func ExampleRedactURL() {
	u, _ := capture.RedactURL("https://ci:hunter2@artifacts.example.com/tool.tgz?X-Amz-Signature=abc&v=2")
	fmt.Println(u)
	// Output:
	// https://REDACTED@artifacts.example.com/tool.tgz?X-Amz-Signature=REDACTED&v=2
}

// The child's environment sends every client through the proxy and makes
// it trust the run's CA, keeping the user's own JVM options.
func ExampleChildEnv() {
	env := capture.ChildEnv([]string{"PATH=/usr/bin", "NO_PROXY=internal.example", "MAVEN_OPTS=-Xmx2g"}, capture.EnvOptions{
		ProxyURL:   "http://depaudit:token@127.0.0.1:41234",
		CABundle:   "/tmp/depaudit-1/ca-bundle.pem",
		TrustStore: "/tmp/depaudit-1/truststore.p12",
	})
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "HTTPS_PROXY", "npm_config_cafile", "NO_PROXY":
			fmt.Println(k, v)
		case "MAVEN_OPTS":
			fmt.Println(k, strings.Fields(v)[0], strings.Fields(v)[1])
		}
	}
	// Output:
	// HTTPS_PROXY http://depaudit:token@127.0.0.1:41234
	// npm_config_cafile /tmp/depaudit-1/ca-bundle.pem
	// MAVEN_OPTS -Xmx2g -Dhttp.proxyHost=127.0.0.1
}
