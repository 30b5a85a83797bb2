package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/verify"
)

// childMode is the first argument that makes the bench binary run the
// proxy alone, so that its memory and CPU are its own.
const childMode = "proxy-child"

// runProxyChild serves depaudit's proxy until stdin says "quit" or ends.
// It prints "ready URL CAFILE" once serving, then answers each command line
// ("cpuprofile FILE", "stopprofile", "quit") with "ok" or "error: …".
func runProxyChild(args []string) error {
	fs := flag.NewFlagSet(childMode, flag.ContinueOnError)
	originAddr := fs.String("origin", "", "origin address")
	originCA := fs.String("origin-ca", "", "origin CA certificate (PEM)")
	logPath := fs.String("log", "", "capture log to write")
	dir := fs.String("dir", "", "directory for the proxy CA certificate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pemBytes, err := os.ReadFile(*originCA)
	if err != nil {
		return fmt.Errorf("read origin CA: %w", err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBytes) {
		return fmt.Errorf("origin CA %s holds no certificate", *originCA)
	}
	f, err := os.Create(*logPath)
	if err != nil {
		return fmt.Errorf("capture log: %w", err)
	}
	defer f.Close()
	lw, err := capture.NewLogWriter(f, capture.Header{Version: "bench", Start: time.Now().UTC(), Command: []string{"bench"}})
	if err != nil {
		return err
	}
	ca, err := capture.NewCA(time.Now())
	if err != nil {
		return err
	}
	caFile := filepath.Join(*dir, "proxy-ca.pem")
	if err := os.WriteFile(caFile, ca.CertPEM, 0o600); err != nil {
		return fmt.Errorf("write proxy CA: %w", err)
	}
	// The inspector of a build. Bodies get SHA-256 alone, as a Go module
	// zip or a crate does; a "hashes=all" query asks for all three, as an
	// npm tarball gets, to measure what they cost in the same run.
	inspect, _ := verify.NewHooks(classify.Default(), verify.Options{}, 0)
	p, err := capture.NewProxy(capture.ProxyConfig{
		CA:      ca,
		Record:  func(x *capture.Exchange) { lw.WriteExchange(x) },
		Inspect: inspect,
		Hashes: func(x *capture.Exchange) capture.Hashes {
			if strings.Contains(x.URL, "hashes=all") {
				return capture.AllHashes
			}
			return 0
		},
		UpstreamRootCAs: roots,
		UpstreamDial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, *originAddr)
		},
	})
	if err != nil {
		return err
	}
	defer func() {
		p.Close(time.Second)
		lw.Close(capture.Trailer{End: time.Now().UTC()})
	}()
	fmt.Printf("ready %s %s\n", p.URL(), caFile)
	in := bufio.NewScanner(os.Stdin)
	var prof *os.File
	for in.Scan() {
		cmd, arg, _ := strings.Cut(in.Text(), " ")
		switch cmd {
		case "cpuprofile":
			if prof, err = os.Create(arg); err == nil {
				err = pprof.StartCPUProfile(prof)
			}
		case "stopprofile":
			pprof.StopCPUProfile()
			if prof != nil {
				err = prof.Close()
				prof = nil
			}
		case "sealed":
			var f *sealedFigures
			if f, err = measureSealed(p, lw, caFile, *dir, strings.Fields(arg)); err == nil {
				b, _ := json.Marshal(f)
				fmt.Printf("ok %s\n", b)
				continue
			}
		case "quit":
			fmt.Println("ok")
			return nil
		default:
			err = fmt.Errorf("unknown command %q", cmd)
		}
		if err != nil {
			fmt.Printf("error: %v\n", err)
			err = nil
			continue
		}
		fmt.Println("ok")
	}
	return in.Err()
}

// proxyChild is the parent's handle on a running proxy child.
type proxyChild struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Scanner
	url    string
	caFile string
}

func startProxyChild(dir, originAddr, originCAFile, logPath string, procs int) (*proxyChild, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the bench binary: %w", err)
	}
	cmd := exec.Command(self, childMode, "-origin", originAddr, "-origin-ca", originCAFile, "-log", logPath, "-dir", dir)
	cmd.Stderr = os.Stderr
	if procs > 0 {
		cmd.Env = append(os.Environ(), fmt.Sprintf("GOMAXPROCS=%d", procs))
	}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start proxy child: %w", err)
	}
	c := &proxyChild{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	if !c.out.Scan() {
		c.stop()
		return nil, fmt.Errorf("proxy child did not start: %v", c.out.Err())
	}
	f := strings.Fields(c.out.Text())
	if len(f) != 3 || f[0] != "ready" {
		c.stop()
		return nil, fmt.Errorf("proxy child said %q", c.out.Text())
	}
	c.url, c.caFile = f[1], f[2]
	return c, nil
}

// sealed has the child measure one phase from inside a sealed build.
func (c *proxyChild) sealed(args ...string) (*sealedFigures, error) {
	if _, err := fmt.Fprintln(c.in, "sealed "+strings.Join(args, " ")); err != nil {
		return nil, fmt.Errorf("proxy child: %w", err)
	}
	if !c.out.Scan() {
		return nil, fmt.Errorf("proxy child ended: %v", c.out.Err())
	}
	ans, ok := strings.CutPrefix(c.out.Text(), "ok ")
	if !ok {
		return nil, fmt.Errorf("sealed build: %s", c.out.Text())
	}
	var f sealedFigures
	return &f, json.Unmarshal([]byte(ans), &f)
}

// send gives the child one command and waits for its answer.
func (c *proxyChild) send(line string) error {
	if _, err := fmt.Fprintln(c.in, line); err != nil {
		return fmt.Errorf("proxy child: %w", err)
	}
	if !c.out.Scan() {
		return fmt.Errorf("proxy child ended: %v", c.out.Err())
	}
	if ans := c.out.Text(); ans != "ok" {
		return fmt.Errorf("proxy child: %s", ans)
	}
	return nil
}

// peakRSS returns the child's peak resident set size (VmHWM) in bytes.
func (c *proxyChild) peakRSS() (int64, error) { return procStatus(c.cmd.Process.Pid, "VmHWM") }

// rss returns the child's current resident set size (VmRSS) in bytes.
func (c *proxyChild) rss() (int64, error) { return procStatus(c.cmd.Process.Pid, "VmRSS") }

// runWatched runs cmd, not started yet, to its end and returns its wall
// time and its peak resident set: its VmHWM, read every 5 ms while it
// runs (the rusage of a child started by vfork counts the parent's pages
// too).
func runWatched(cmd *exec.Cmd) (wall time.Duration, peak int64, err error) {
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			return time.Since(start), peak, err
		case <-tick.C:
			if v, err := procStatus(cmd.Process.Pid, "VmHWM"); err == nil && v > peak {
				peak = v
			}
		}
	}
}

func procStatus(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb); err != nil {
				return 0, fmt.Errorf("parse %s: %w", field, err)
			}
			return kb << 10, nil
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

func (c *proxyChild) stop() error {
	c.send("quit")
	c.in.Close()
	return c.cmd.Wait()
}
