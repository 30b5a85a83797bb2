package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/sealed"
)

// sealedClientMode is the first argument that makes the bench binary the
// client of a sealed build: it measures one phase through the proxy from
// inside the sealed network and writes the figures as JSON.
const sealedClientMode = "sealed-client"

// sealedFigures are what a sealed client measured in one phase.
type sealedFigures struct {
	BPS      float64       `json:"bps,omitempty"`
	P50      time.Duration `json:"p50,omitempty"`
	P99      time.Duration `json:"p99,omitempty"`
	First    time.Duration `json:"first,omitempty"`
	Repeated time.Duration `json:"repeated,omitempty"`
	RPS      float64       `json:"rps,omitempty"`
	Errors   int64         `json:"errors,omitempty"`
}

// runSealedClient measures one phase from inside a sealed build.
func runSealedClient(args []string) error {
	fs := flag.NewFlagSet(sealedClientMode, flag.ContinueOnError)
	phase := fs.String("phase", "", "throughput, latency, connect or concurrency")
	proxy := fs.String("proxy", "", "proxy URL")
	caFile := fs.String("ca", "", "proxy CA certificate")
	out := fs.String("out", "", "JSON file to write")
	size := fs.Int64("size", 0, "")
	n := fs.Int("n", 0, "")
	hosts := fs.Int("hosts", 0, "")
	clients := fs.Int("clients", 0, "")
	per := fs.Int("per", 0, "")
	rounds := fs.Int("rounds", 1, "")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pu, err := url.Parse(*proxy)
	if err != nil {
		return err
	}
	ca, err := os.ReadFile(*caFile)
	if err != nil {
		return err
	}
	s := side{name: "sealed", roots: poolOf(ca), proxy: pu}
	var f sealedFigures
	switch *phase {
	case "throughput":
		f.BPS, err = throughput(s, *size, "")
	case "latency":
		var ls [][]time.Duration
		if ls, err = latencies([]side{s}, *n); err == nil {
			f.P50, f.P99 = percentile(ls[0], 0.5), percentile(ls[0], 0.99)
		}
	case "connect":
		var first, repeated []time.Duration
		if first, repeated, err = newConnections([]side{s}, *hosts, 5**hosts, false); err == nil {
			f.First, f.Repeated = first[0], repeated[0]
		}
	case "concurrency":
		for range *rounds {
			r, e, cerr := concurrency(s, *clients, *per)
			f.RPS, f.Errors = max(f.RPS, r), f.Errors+e
			if cerr != nil && err == nil {
				err = cerr
			}
		}
	default:
		return fmt.Errorf("unknown phase %q", *phase)
	}
	if err != nil {
		return err
	}
	b, _ := json.Marshal(f)
	return os.WriteFile(*out, b, 0o600)
}

// measureSealed runs the bench binary as the command of a sealed build
// whose network hands its connections to p, and returns what it measured.
func measureSealed(p *capture.Proxy, lw *capture.LogWriter, caFile, dir string, args []string) (*sealedFigures, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	n := sealed.New(sealed.Config{
		Resolve: func(context.Context, string) ([]netip.Addr, error) {
			// Every name is the origin's: the proxy's dialer routes it.
			return []netip.Addr{netip.MustParseAddr("192.0.2.1")}, nil
		},
	})
	pu, err := url.Parse(p.URL())
	if err != nil {
		return nil, err
	}
	pu.Host = net.JoinHostPort(n.ProxyHost(), pu.Port())
	out := filepath.Join(dir, "sealed-figures.json")
	os.Remove(out)
	cmd := exec.Command(self, append([]string{sealedClientMode, "-proxy", pu.String(), "-ca", caFile, "-out", out}, args...)...)
	cmd.Stderr = os.Stderr
	rec := capture.NetRecorder{
		Connection: func(c *capture.Connection) { lw.WriteConnection(c) },
		Lookup:     func(l *capture.Lookup) { lw.WriteLookup(l) },
	}
	if err := n.Start(cmd, p, rec); err != nil {
		return nil, err
	}
	werr := cmd.Wait()
	n.Close()
	if werr != nil {
		return nil, fmt.Errorf("sealed client: %w", werr)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return nil, err
	}
	var f sealedFigures
	return &f, json.Unmarshal(b, &f)
}
