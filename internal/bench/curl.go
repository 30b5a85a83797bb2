package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// curlSide is one way a curl client reaches the origin: directly (every
// bench name resolved to the origin's port with --resolve) or through the
// proxy (-x), trusting the origin's CA or the proxy's.
type curlSide struct {
	name   string
	curl   string
	cacert string
	proxy  string // the proxy URL with its credential, "" for direct
	port   string // the origin's port
}

// args are the options of one curl process of the side reaching hosts.
func (s curlSide) args(hosts ...string) []string {
	a := []string{"--silent", "--show-error", "--cacert", s.cacert}
	if s.proxy != "" {
		return append(a, "--proxy", s.proxy)
	}
	for _, h := range hosts {
		a = append(a, "--resolve", h+":"+s.port+":127.0.0.1")
	}
	return a
}

// url is the origin URL of path on host.
func (s curlSide) url(host, path string) string {
	return "https://" + host + ":" + s.port + path
}

// run runs curl with args and a config file holding each URL (output to
// /dev/null) and returns its standard output: one -w line per URL.
func (s curlSide) run(dir string, args []string, urls []string, format string) ([]string, error) {
	var cfg strings.Builder
	for _, u := range urls {
		fmt.Fprintf(&cfg, "url = %q\noutput = \"/dev/null\"\n", u)
	}
	f := filepath.Join(dir, "curl-"+s.name+".cfg")
	if err := os.WriteFile(f, []byte(cfg.String()), 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(s.curl, append(args, "--write-out", format, "--config", f)...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("curl (%s): %v: %s", s.name, err, strings.TrimSpace(stderr.String()))
	}
	return strings.Fields(out.String()), nil
}

// curlFigures measures the Go client's figures again with curl as the
// client, as users wrap it, and adds them to t. It returns the number of
// requests sent through the proxy.
func curlFigures(o options, dir string, org *origin, originCAFile, proxyURL, proxyCAFile string, t *table) (int, error) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		return 0, fmt.Errorf("the curl client mode needs curl: %w", err)
	}
	_, port, err := net.SplitHostPort(org.addr)
	if err != nil {
		return 0, err
	}
	direct := curlSide{name: "direct", curl: curl, cacert: originCAFile, port: port}
	proxied := curlSide{name: "proxy", curl: curl, cacert: proxyCAFile, proxy: proxyURL, port: port}
	sides := []curlSide{direct, proxied}
	requests := 0
	const host = "origin.bench.test"

	if o.want("throughput") {
		var bps [2]float64
		for i, s := range sides {
			out, err := s.run(dir, s.args(host), []string{s.url(host, fmt.Sprintf("/big?size=%d", o.size))}, "%{speed_download}\n")
			if err != nil {
				return requests, err
			}
			if len(out) != 1 {
				return requests, fmt.Errorf("curl throughput: %q", out)
			}
			if bps[i], err = strconv.ParseFloat(out[0], 64); err != nil {
				return requests, err
			}
		}
		requests++
		t.add(fmt.Sprintf("curl: throughput, %s body, SHA-256", sizeName(o.size)), mbps(bps[0]), mbps(bps[1]), ratio(bps[1]/bps[0]), "≥ 0.75×", bps[1]/bps[0] >= 0.75)
	}
	if o.want("latency") {
		// One curl process per side, its URLs over one connection.
		var p50 [2]time.Duration
		for i, s := range sides {
			urls := make([]string, 50+o.n)
			for j := range urls {
				urls[j] = s.url(host, "/small")
			}
			out, err := s.run(dir, s.args(host), urls, "%{time_total}\n")
			if err != nil {
				return requests, err
			}
			ds, err := seconds(out)
			if err != nil || len(ds) != len(urls) {
				return requests, fmt.Errorf("curl latency: %d timings of %d (%v)", len(ds), len(urls), err)
			}
			ds = ds[50:]
			slices.Sort(ds)
			p50[i] = percentile(ds, 0.5)
		}
		requests += 50 + o.n
		t.add(fmt.Sprintf("curl: keep-alive GET p50 (%d requests)", o.n), ms(p50[0]), ms(p50[1]), "+"+ms(p50[1]-p50[0]), "≤ +0.2 ms", p50[1]-p50[0] <= 200*time.Microsecond)
	}
	if o.want("connect") {
		// A curl process per GET, as a build's scripts run it: the time
		// of its one request (TCP, CONNECT, TLS, GET), not the process's.
		repeats := 5 * o.hosts
		var first, seen [2][]time.Duration
		for i := range o.hosts + repeats {
			for j, s := range sides {
				h := fmt.Sprintf("curl-%s-%d.bench.test", s.name, i%o.hosts)
				out, err := s.run(dir, s.args(h), []string{s.url(h, "/small")}, "%{time_total}\n")
				if err != nil {
					return requests, err
				}
				ds, err := seconds(out)
				if err != nil || len(ds) != 1 {
					return requests, fmt.Errorf("curl new connection: %q", out)
				}
				if i < o.hosts {
					first[j] = append(first[j], ds[0])
				} else {
					seen[j] = append(seen[j], ds[0])
				}
			}
		}
		requests += o.hosts + repeats
		for j := range sides {
			slices.Sort(first[j])
			slices.Sort(seen[j])
		}
		df, pf, dr, pr := percentile(first[0], 0.5), percentile(first[1], 0.5), percentile(seen[0], 0.5), percentile(seen[1], 0.5)
		t.add(fmt.Sprintf("curl: new connection, first host (median of %d)", o.hosts), ms(df), ms(pf), ratio(float64(pf)/float64(df)), "", true)
		t.add(fmt.Sprintf("curl: new connection, seen host (median of %d)", repeats), ms(dr), ms(pr), ratio(float64(pr)/float64(dr)), "≤ 2×", float64(pr) <= 2*float64(dr))
	}
	if o.want("concurrency") {
		// One curl with --parallel: up to -clients connections at once.
		var rps [2]float64
		var failed [2]int
		n := o.clients * o.per
		for i, s := range sides {
			urls := make([]string, n)
			for j := range urls {
				urls[j] = s.url(host, "/small")
			}
			start := time.Now()
			out, err := s.run(dir, append(s.args(host), "--parallel", "--parallel-max", strconv.Itoa(o.clients)), urls, "%{http_code}\n")
			d := time.Since(start)
			if err != nil {
				return requests, err
			}
			for _, c := range out {
				if c != "200" {
					failed[i]++
				}
			}
			failed[i] += n - len(out)
			rps[i] = float64(n) / d.Seconds()
		}
		requests += n
		t.add(fmt.Sprintf("curl: %d GETs, --parallel-max %d, req/s", n, o.clients), fmt.Sprintf("%.0f", rps[0]), fmt.Sprintf("%.0f", rps[1]), ratio(rps[1]/rps[0]), "≥ 0.5×", rps[1]/rps[0] >= 0.5)
		t.add("  curl: failed requests", strconv.Itoa(failed[0]), strconv.Itoa(failed[1]), "", "0", failed[1] == 0)
	}
	return requests, nil
}

// seconds parses curl's -w timings (seconds) into durations.
func seconds(fields []string) ([]time.Duration, error) {
	out := make([]time.Duration, 0, len(fields))
	for _, f := range fields {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, time.Duration(v*float64(time.Second)))
	}
	return out, nil
}
