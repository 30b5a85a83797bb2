package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/depaudit/depaudit/capture"
)

// reportShape is a kind of synthetic capture log for the report figures.
type reportShape int

const (
	// shapeBuild repeats one build's requests: 1,000 npm tarballs, 500
	// packuments and 500 calls to 50 other hosts, in turn, so that the
	// outputs stay the same size however many exchanges the log holds.
	shapeBuild reportShape = iota
	// shapeUnique gives every exchange a URL of its own (half to one
	// host, half to hosts of their own): every one is an endpoint in the
	// SBOM, so the outputs grow with the log.
	shapeUnique
)

// writeReportLog writes a capture log of n exchanges of the shape to path
// and returns its size.
func writeReportLog(path string, n int, shape reportShape) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	lw, err := capture.NewLogWriter(bw, capture.Header{Version: "bench", Start: start, Command: []string{"build"}})
	if err != nil {
		f.Close()
		return 0, err
	}
	for i := range n {
		x := capture.Exchange{ID: int64(i + 1), Start: start.Add(time.Duration(i) * time.Millisecond), Method: "GET",
			Status: 200, Complete: true, ContentLength: -1, Bytes: 4096}
		switch k := i % 2000; {
		case shape == shapeUnique:
			x.Host = "api.example.com"
			if i%2 == 1 {
				x.Host = fmt.Sprintf("h%d.example.com", i)
			}
			x.URL = fmt.Sprintf("https://%s/v1/items/%d", x.Host, i)
		case k < 1000:
			name := fmt.Sprintf("bench-pkg-%04d", k)
			x.Host = "registry.npmjs.org"
			x.URL = fmt.Sprintf("https://registry.npmjs.org/%s/-/%s-1.0.%d.tgz", name, name, k%7)
			x.ContentType = "application/octet-stream"
			x.SHA256 = fmt.Sprintf("%064x", k+1)
		case k < 1500:
			x.Host = "registry.npmjs.org"
			x.URL = fmt.Sprintf("https://registry.npmjs.org/bench-pkg-%04d", k-1000)
			x.ContentType = "application/vnd.npm.install-v1+json"
			x.SHA256 = fmt.Sprintf("%064x", k+1)
		default:
			x.Host = fmt.Sprintf("svc%d.example.com", k%50)
			x.URL = fmt.Sprintf("https://%s/api/%d", x.Host, k)
		}
		if err := lw.WriteExchange(&x); err != nil {
			f.Close()
			return 0, err
		}
	}
	if err := lw.Close(capture.Trailer{End: start.Add(time.Duration(n) * time.Millisecond)}); err != nil {
		f.Close()
		return 0, err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return 0, err
	}
	return fi.Size(), f.Close()
}

// reportRun is one `depaudit report` of a synthetic log.
type reportRun struct {
	wall time.Duration
	// peak is the process's peak RSS.
	peak int64
}

// runReport runs `depaudit report` on the log at path, writing the SBOM
// and the unclassified calls into dir.
func runReport(bin, dir, path string) (reportRun, error) {
	cmd := exec.Command(bin, "report", "--output", filepath.Join(dir, "report.cdx.json"),
		"--unclassified", filepath.Join(dir, "report.unclassified.json"), path)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	var r reportRun
	var err error
	r.wall, r.peak, err = runWatched(cmd)
	if err != nil {
		return r, fmt.Errorf("depaudit report %s: %w\n%s", filepath.Base(path), err, out.String())
	}
	return r, nil
}

// reportFigures runs `depaudit report` on logs of each of sizes
// exchanges repeating one build's requests, and on one of the largest
// size below 10^6 with a URL per exchange, and adds their time and peak
// memory: flat in the number of exchanges when the outputs are.
func reportFigures(dir string, sizes []int, t *table) error {
	if len(sizes) == 0 {
		return nil
	}
	bin, err := buildDepaudit(dir)
	if err != nil {
		return err
	}
	run := func(n int, shape reportShape) (reportRun, int64, error) {
		path := filepath.Join(dir, fmt.Sprintf("report-%d-%d.jsonl", shape, n))
		size, err := writeReportLog(path, n, shape)
		if err != nil {
			return reportRun{}, 0, err
		}
		defer os.Remove(path)
		r, err := runReport(bin, dir, path)
		return r, size, err
	}
	var first reportRun
	for i, n := range sizes {
		r, size, err := run(n, shapeBuild)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("`depaudit report`, %s exchanges of one build's 2,000 URLs (%s log)", count(n), mib(size))
		if i == 0 {
			first = r
			t.add(name, "", fmt.Sprintf("%.2f s, %s", r.wall.Seconds(), mib(r.peak)), "", "", true)
			continue
		}
		t.add(name, "", fmt.Sprintf("%.2f s, %s", r.wall.Seconds(), mib(r.peak)),
			fmt.Sprintf("%s, %s", ratio(r.wall.Seconds()/first.wall.Seconds()), ratio(float64(r.peak)/float64(first.peak))),
			fmt.Sprintf("peak ≤ 1.25× %s's", count(sizes[0])), float64(r.peak) <= 1.25*float64(first.peak))
	}
	n := min(sizes[len(sizes)-1], 100_000)
	r, size, err := run(n, shapeUnique)
	if err != nil {
		return err
	}
	t.add(fmt.Sprintf("  %s exchanges, each its own URL (%s log)", count(n), mib(size)), "",
		fmt.Sprintf("%.2f s, %s", r.wall.Seconds(), mib(r.peak)), "", "", true)
	return nil
}

// count writes n with thousands separated.
func count(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
