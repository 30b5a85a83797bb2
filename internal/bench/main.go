// Command bench measures depaudit's capture proxy against a direct
// connection, on loopback, in one run: it starts an HTTPS origin with its
// own test CA, runs depaudit's proxy in a child process (so that the
// proxy's memory is its own), and prints each figure direct and through the
// proxy with their ratio and the target it is held to.
//
//	go run ./internal/bench [-client go,curl] [-size 1GiB] [-n 2000] [-clients 64] [-per 50] [-startup-runs 21] [-npm-packages 500] [-profile DIR]
//
// See README.md in this directory for what each figure means.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/sealed"
)

func main() {
	if sealed.IsInit() {
		// The init of a sealed build's namespaces (see -sealed).
		os.Exit(sealed.InitMain())
	}
	var err error
	if len(os.Args) > 1 && os.Args[1] == childMode {
		err = runProxyChild(os.Args[2:])
	} else if len(os.Args) > 1 && os.Args[1] == sealedClientMode {
		err = runSealedClient(os.Args[2:])
	} else {
		err = run(os.Args[1:], os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type options struct {
	size        int64
	n           int
	clients     int
	per         int
	hosts       int
	startupRuns int
	profile     string
	proxyProcs  int
	rounds      int
	only        map[string]bool
	// reportSizes are the exchange counts of the report figures' logs.
	reportSizes []int
	// sealed adds each figure measured from inside a sealed build.
	sealed bool
	// modes are the client modes measured: "go", "curl".
	modes map[string]bool
	// npmPackages and npmSize shape the whole-build figure's install.
	npmPackages int
	npmSize     int64
}

func (o options) want(phase string) bool { return len(o.only) == 0 || o.only[phase] }

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	size := fs.String("size", "1GiB", "body size of the throughput figure (e.g. 1GiB, 256MiB, 1000000)")
	var o options
	fs.IntVar(&o.n, "n", 2000, "keep-alive requests for the latency figure")
	fs.IntVar(&o.clients, "clients", 64, "concurrent clients")
	fs.IntVar(&o.per, "per", 50, "requests per concurrent client")
	fs.IntVar(&o.hosts, "hosts", 20, "distinct host names for the new-connection figure")
	fs.IntVar(&o.startupRuns, "startup-runs", 21, "runs of each command for the start-up figure (0 skips it)")
	fs.StringVar(&o.profile, "profile", "", "write the proxy's CPU profile of each phase to `DIR` (inspect with go tool pprof -top)")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds of the concurrency figure, alternating direct and proxy (best of each is shown)")
	fs.IntVar(&o.proxyProcs, "proxy-procs", 0, "GOMAXPROCS of the proxy child (0: the Go default)")
	fs.BoolVar(&o.sealed, "sealed", true, "also measure each figure from inside a sealed build (needs user namespaces and /dev/net/tun)")
	only := fs.String("only", "", "comma-separated phases to run: throughput,latency,connect,concurrency,startup,npm,report")
	reportSizes := fs.String("report-sizes", "10000,100000,1000000", "comma-separated exchange counts of the synthetic capture logs `depaudit report` reads (empty skips it)")
	clientModes := fs.String("client", "go,curl", "comma-separated client modes: go (net/http), curl (the curl binary, as users wrap it)")
	fs.IntVar(&o.npmPackages, "npm-packages", 500, "packages of the whole-build figure's npm install (0 skips it)")
	npmSize := fs.String("npm-size", "128KiB", "size of each package's tarball in the whole-build figure")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if o.size, err = parseSize(*size); err != nil {
		return err
	}
	if o.npmSize, err = parseSize(*npmSize); err != nil {
		return err
	}
	for _, f := range strings.Split(*reportSizes, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return fmt.Errorf("-report-sizes: %q is not a count", f)
		}
		o.reportSizes = append(o.reportSizes, n)
	}
	o.modes = map[string]bool{}
	for _, c := range strings.Split(*clientModes, ",") {
		switch c = strings.TrimSpace(c); c {
		case "go", "curl":
			o.modes[c] = true
		default:
			return fmt.Errorf("-client: unknown mode %q (go, curl)", c)
		}
	}
	if *only != "" {
		o.only = map[string]bool{}
		for _, p := range strings.Split(*only, ",") {
			o.only[strings.TrimSpace(p)] = true
		}
	}
	if o.profile != "" {
		if err := os.MkdirAll(o.profile, 0o755); err != nil {
			return err
		}
		if o.profile, err = filepath.Abs(o.profile); err != nil {
			return err
		}
	}
	dir, err := os.MkdirTemp("", "depaudit-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	return bench(o, dir, out)
}

func bench(o options, dir string, out io.Writer) error {
	org, err := startOrigin()
	if err != nil {
		return err
	}
	defer org.close()
	originCAFile := filepath.Join(dir, "origin-ca.pem")
	if err := os.WriteFile(originCAFile, org.ca.CertPEM, 0o600); err != nil {
		return err
	}
	logPath := filepath.Join(dir, "capture.jsonl")
	child, err := startProxyChild(dir, org.addr, originCAFile, logPath, o.proxyProcs)
	if err != nil {
		return err
	}
	defer child.stop()
	proxyCA, err := os.ReadFile(child.caFile)
	if err != nil {
		return err
	}
	pu, err := url.Parse(child.url)
	if err != nil {
		return err
	}
	direct := side{name: "direct", roots: org.roots, dial: org.dial}
	proxied := side{name: "proxy", roots: poolOf(proxyCA), proxy: pu}
	startRSS, _ := child.rss()

	t := &table{}
	fmt.Fprintf(out, "depaudit capture proxy benchmark: loopback, %s/%s, %d CPUs, GOMAXPROCS=%d, %s\n",
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Fprintf(out, "proxy child: RSS %s after start-up\n\n", mib(startRSS))
	profiled := func(phase string, f func() error) error {
		if o.profile != "" {
			if err := child.send("cpuprofile " + filepath.Join(o.profile, phase+".pprof")); err != nil {
				return err
			}
			defer child.send("stopprofile")
		}
		return f()
	}

	requests := 0 // requests sent through the proxy, to check the log
	if o.modes["go"] && o.want("throughput") {
		want := org.expectedSHA256(o.size)
		dt, err := throughput(direct, o.size, "")
		if err != nil {
			return fmt.Errorf("throughput direct: %w", err)
		}
		var pt, pt3 float64
		if err := profiled("throughput", func() error { pt, err = throughput(proxied, o.size, ""); return err }); err != nil {
			return fmt.Errorf("throughput through the proxy: %w", err)
		}
		if pt3, err = throughput(proxied, o.size, "&hashes=all"); err != nil {
			return fmt.Errorf("throughput through the proxy, three digests: %w", err)
		}
		requests += 4
		peak, err := child.peakRSS()
		if err != nil {
			return err
		}
		check := "sha256 recorded right, and no other digest"
		if x, err := findExchange(logPath, "/big?size="+strconv.FormatInt(o.size, 10)); err != nil {
			check = "log: " + err.Error()
		} else if !x.Complete || x.SHA256 != want || x.SHA512 != "" || x.SHA1 != "" || x.Bytes != o.size {
			check = fmt.Sprintf("WRONG RECORD complete=%v bytes=%d sha256=%s sha512=%q sha1=%q want %s", x.Complete, x.Bytes, x.SHA256, x.SHA512, x.SHA1, want)
		}
		t.add(fmt.Sprintf("throughput, %s body, SHA-256 (a crate's, a module zip's)", sizeName(o.size)), mbps(dt), mbps(pt), ratio(pt/dt), "≥ 0.75×", pt/dt >= 0.75)
		t.note(check)
		if pt/dt < 0.75 {
			t.note(hashCeilingNote(0.75 * dt))
		}
		t.add("  the same, SHA-256, SHA-512, SHA-1 (an npm tarball's)", mbps(dt), mbps(pt3), ratio(pt3/dt), "", true)
		t.add("proxy peak RSS during that body", "", mib(peak), "", "≤ 32 MiB", peak <= 32<<20)
		if o.sealed {
			f, err := child.sealed("-phase", "throughput", "-size", strconv.FormatInt(o.size, 10))
			if err != nil {
				return fmt.Errorf("throughput in a sealed build: %w", err)
			}
			requests += 2
			t.add(sealedRow+"throughput", mbps(pt), mbps(f.BPS), ratio(f.BPS/pt), "≥ 0.8×", f.BPS/pt >= 0.8)
		}
	}
	if o.modes["go"] && o.want("latency") {
		var ls [][]time.Duration
		if err := profiled("latency", func() error { ls, err = latencies([]side{direct, proxied}, o.n); return err }); err != nil {
			return fmt.Errorf("latency: %w", err)
		}
		requests += 50 + o.n
		for _, q := range []struct {
			name string
			p    float64
			goal bool
		}{{"p50", 0.5, true}, {"p99", 0.99, false}} {
			d, p := percentile(ls[0], q.p), percentile(ls[1], q.p)
			added := p - d
			target, met := "", true
			if q.goal {
				target, met = "≤ +0.2 ms", added <= 200*time.Microsecond
			}
			t.add(fmt.Sprintf("keep-alive GET %s (%d requests)", q.name, o.n), ms(d), ms(p), "+"+ms(added), target, met)
		}
		if o.sealed {
			f, err := child.sealed("-phase", "latency", "-n", strconv.Itoa(o.n))
			if err != nil {
				return fmt.Errorf("latency in a sealed build: %w", err)
			}
			requests += 50 + o.n
			p50, p99 := percentile(ls[1], 0.5), percentile(ls[1], 0.99)
			t.add(sealedRow+"keep-alive GET p50", ms(p50), ms(f.P50), ratio(float64(f.P50)/float64(p50)), "≤ 1.25×", float64(f.P50) <= 1.25*float64(p50))
			t.add(sealedRow+"keep-alive GET p99", ms(p99), ms(f.P99), ratio(float64(f.P99)/float64(p99)), "", true)
		}
	}
	if o.modes["go"] && o.want("connect") {
		var first, repeated []time.Duration
		repeats := 5 * o.hosts
		if err := profiled("connect", func() error {
			first, repeated, err = newConnections([]side{direct, proxied}, o.hosts, repeats, false)
			return err
		}); err != nil {
			return fmt.Errorf("new connection: %w", err)
		}
		requests += o.hosts + repeats
		df, pf, dr, pr := first[0], first[1], repeated[0], repeated[1]
		t.add(fmt.Sprintf("new connection, first host (median of %d)", o.hosts), ms(df), ms(pf), ratio(float64(pf)/float64(df)), "", true)
		t.add(fmt.Sprintf("new connection, seen host (median of %d)", repeats), ms(dr), ms(pr), ratio(float64(pr)/float64(dr)), "≤ 2×", float64(pr) <= 2*float64(dr))
		var rr []time.Duration
		if err := profiled("connect-resume", func() error {
			_, rr, err = newConnections([]side{direct, proxied}, o.hosts, repeats, true)
			return err
		}); err != nil {
			return fmt.Errorf("new connection with TLS resumption: %w", err)
		}
		requests += o.hosts + repeats
		t.add(fmt.Sprintf("new connection, seen host, TLS resumed (median of %d)", repeats), ms(rr[0]), ms(rr[1]), ratio(float64(rr[1])/float64(rr[0])), "≤ 2×", float64(rr[1]) <= 2*float64(rr[0]))
		if o.sealed {
			f, err := child.sealed("-phase", "connect", "-hosts", strconv.Itoa(o.hosts))
			if err != nil {
				return fmt.Errorf("new connections in a sealed build: %w", err)
			}
			requests += o.hosts + repeats
			t.add(sealedRow+"new connection, first host", ms(pf), ms(f.First), ratio(float64(f.First)/float64(pf)), "", true)
			t.add(sealedRow+"new connection, seen host", ms(pr), ms(f.Repeated), ratio(float64(f.Repeated)/float64(pr)), "≤ 1.25×", float64(f.Repeated) <= 1.25*float64(pr))
		}
	}
	if o.modes["go"] && o.want("concurrency") {
		// Best of a few rounds on each side, alternating: the machine is
		// shared, and the best round is the least disturbed one.
		var dc, pc float64
		var derrs, perrs int64
		var firstErr error
		for range o.rounds {
			r, e, err := concurrency(direct, o.clients, o.per)
			if err != nil {
				return fmt.Errorf("concurrency direct: %w", err)
			}
			dc, derrs = max(dc, r), derrs+e
			var pr float64
			var pe int64
			perr := profiled("concurrency", func() error { pr, pe, err = concurrency(proxied, o.clients, o.per); return nil })
			if perr != nil {
				return perr
			}
			if err != nil && firstErr == nil {
				firstErr = err
			}
			pc, perrs = max(pc, pr), perrs+pe
			requests += o.clients * o.per
		}
		t.add(fmt.Sprintf("%d clients × %d GETs, req/s (best of %d)", o.clients, o.per, o.rounds), fmt.Sprintf("%.0f", dc), fmt.Sprintf("%.0f", pc), ratio(pc/dc), "≥ 0.5×", pc/dc >= 0.5)
		t.add("  failed requests (all rounds)", strconv.FormatInt(derrs, 10), strconv.FormatInt(perrs, 10), "", "0", perrs == 0)
		if firstErr != nil {
			t.note(firstErr.Error())
		}
		if o.sealed {
			f, err := child.sealed("-phase", "concurrency", "-clients", strconv.Itoa(o.clients), "-per", strconv.Itoa(o.per), "-rounds", strconv.Itoa(o.rounds))
			if err != nil {
				return fmt.Errorf("concurrency in a sealed build: %w", err)
			}
			requests += o.clients * o.per * o.rounds
			t.add(sealedRow+fmt.Sprintf("%d × %d GETs, req/s (best of %d)", o.clients, o.per, o.rounds), fmt.Sprintf("%.0f", pc), fmt.Sprintf("%.0f", f.RPS), ratio(f.RPS/pc), "≥ 0.8×", f.RPS/pc >= 0.8)
			t.add(sealedRow+"  failed requests", strconv.FormatInt(perrs, 10), strconv.FormatInt(f.Errors, 10), "", "0", f.Errors == 0)
		}
	}
	if o.modes["curl"] {
		n, err := curlFigures(o, dir, org, originCAFile, child.url, child.caFile, t)
		requests += n
		if err != nil {
			return err
		}
	}
	if requests > 0 {
		// The log is written as exchanges finish; give the last one a moment.
		var n int
		for range 100 {
			if n, err = countExchanges(logPath); err != nil || n >= requests {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.add("capture log records / requests", "", fmt.Sprintf("%d / %d", n, requests), "", "equal", n == requests)
	}
	if o.want("startup") && o.startupRuns > 0 {
		bin, err := buildDepaudit(dir)
		if err != nil {
			return err
		}
		plain, wrapped, err := startup(dir, bin, o.startupRuns)
		if err != nil {
			return err
		}
		t.add(fmt.Sprintf("`depaudit build -- true` (median of %d)", o.startupRuns), ms(plain), ms(wrapped), "+"+ms(wrapped-plain), "≤ +15 ms", wrapped-plain <= 15*time.Millisecond)
		// What any Go binary, and depaudit's own, cost to start and exit
		// here, without a build: the part of the figure above that is
		// not the proxy's set-up.
		hello, err := buildHello(dir)
		if err != nil {
			return err
		}
		helloRun, err := medianRun(dir, o.startupRuns, hello)
		if err != nil {
			return err
		}
		versionRun, err := medianRun(dir, o.startupRuns, bin, "--version")
		if err != nil {
			return err
		}
		t.add("  of which: start of a minimal Go program", ms(plain), ms(helloRun), "+"+ms(helloRun-plain), "", true)
		t.add("  of which: start of depaudit (`--version`)", ms(plain), ms(versionRun), "+"+ms(versionRun-plain), "", true)
		if o.sealed {
			sealedRun, err := medianRun(dir, o.startupRuns, bin, "build", "--sealed",
				"--capture", filepath.Join(dir, "startup-sealed.capture.jsonl"), "-o", filepath.Join(dir, "startup-sealed.cdx.json"), "--", "true")
			if err != nil {
				return err
			}
			t.add(sealedRow+"`depaudit build --sealed -- true`", ms(wrapped), ms(sealedRun), ratio(float64(sealedRun)/float64(wrapped)), "≤ 1.25×", float64(sealedRun) <= 1.25*float64(wrapped))
		}
	}
	if o.want("report") {
		if err := reportFigures(dir, o.reportSizes, t); err != nil {
			return fmt.Errorf("report: %w", err)
		}
	}
	if o.want("npm") && o.npmPackages > 0 {
		if err := npmFigures(o, dir, org.ca, t); err != nil {
			return err
		}
	}
	t.write(out)
	if o.sealed {
		fmt.Fprintln(out, "\n"+strings.TrimSpace(sealedRow)+" rows: the same client inside a sealed build (its packets through the TUN device and depaudit's netstack),\n"+
			"  against the proxied figure above it: the \"direct\" column holds the proxied figure, the \"proxy\" column the sealed one.")
	}
	if o.profile != "" {
		fmt.Fprintf(out, "\nproxy CPU profiles in %s (go tool pprof -top FILE)\n", o.profile)
	}
	return nil
}

// npmFigures installs a tree of o.npmPackages packages with npm from a
// loopback registry, directly and under `depaudit build`, and adds the
// whole build's figures: its time, depaudit's own peak memory, and the
// capture log's size against the bytes downloaded.
func npmFigures(o options, dir string, ca *capture.CA, t *table) error {
	bin, err := buildDepaudit(dir)
	if err != nil {
		return err
	}
	tree, err := startNPMTree(ca, o.npmPackages, int(o.npmSize))
	if err != nil {
		return fmt.Errorf("npm registry: %w", err)
	}
	defer tree.close()
	caFile := filepath.Join(dir, "npm-tree-ca.pem")
	if err := os.WriteFile(caFile, ca.CertPEM, 0o600); err != nil {
		return err
	}
	direct, err := npmInstall(dir, "", tree, caFile, 0)
	if err != nil {
		return fmt.Errorf("npm install, direct: %w", err)
	}
	wrapped, err := npmInstall(dir, bin, tree, caFile, 1)
	if err != nil {
		return fmt.Errorf("npm install under depaudit build: %w", err)
	}
	name := fmt.Sprintf("npm install, %d packages (%s downloaded)", o.npmPackages, mib(wrapped.served))
	t.add(name, fmt.Sprintf("%.2f s", direct.wall.Seconds()), fmt.Sprintf("%.2f s", wrapped.wall.Seconds()),
		ratio(wrapped.wall.Seconds()/direct.wall.Seconds()), "", true)
	t.add("  depaudit's peak RSS, whole build", "", mib(wrapped.peak), "", "≤ 40 MiB", wrapped.peak <= 40<<20)
	pct := 100 * float64(wrapped.logBytes) / float64(wrapped.served)
	t.add("  capture log / bytes downloaded", "", fmt.Sprintf("%s / %s", mib(wrapped.logBytes), mib(wrapped.served)),
		fmt.Sprintf("%.2f%%", pct), "≤ 2%", pct <= 2)
	t.add("  tarballs in the capture log", "", strconv.Itoa(wrapped.packages), "", strconv.Itoa(o.npmPackages), wrapped.packages == o.npmPackages)
	return nil
}

// sealedRow starts the rows of figures measured inside a sealed build.
const sealedRow = "  sealed: "

func findExchange(logPath, urlPart string) (*capture.Exchange, error) {
	l, err := readLog(logPath)
	if err != nil {
		return nil, err
	}
	for i := range l.Exchanges {
		if strings.Contains(l.Exchanges[i].URL, urlPart) {
			return &l.Exchanges[i], nil
		}
	}
	return nil, fmt.Errorf("no exchange for %s in the capture log", urlPart)
}

func countExchanges(logPath string) (int, error) {
	l, err := readLog(logPath)
	if err != nil {
		return 0, err
	}
	return len(l.Exchanges), nil
}

func readLog(path string) (*capture.Log, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return capture.ReadLog(f)
}

// parseSize reads a byte count such as 1GiB, 256MiB, 10MB or 1000000.
func parseSize(s string) (int64, error) {
	units := []struct {
		suffix string
		mult   int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}}
	mult := int64(1)
	num := strings.TrimSpace(s)
	for _, u := range units {
		if v, ok := strings.CutSuffix(num, u.suffix); ok {
			num, mult = strings.TrimSpace(v), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		return 0, errors.New("bad -size " + strconv.Quote(s))
	}
	return n * mult, nil
}
