package main

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// side is one way of reaching the origin: directly, or through the proxy.
type side struct {
	name  string
	roots *x509.CertPool
	// dial, for the direct side, connects every host name to the origin.
	dial func(network string) (net.Conn, error)
	// proxy, for the proxy side, is the proxy URL with its credential.
	proxy *url.URL
	// sessions, when set, is the client's TLS session cache, shared by its
	// transports as a client process shares it between connections.
	sessions tls.ClientSessionCache
}

// transport returns a fresh transport, so a fresh set of connections, with
// the settings of a typical Go client.
func (s side) transport() *http.Transport {
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: s.roots, ClientSessionCache: s.sessions},
		DisableCompression:  true,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     time.Minute,
	}
	if s.proxy != nil {
		tr.Proxy = http.ProxyURL(s.proxy)
	} else {
		tr.DialContext = func(_ context.Context, network, _ string) (net.Conn, error) { return s.dial(network) }
	}
	return tr
}

// get fetches u and reads its body to the end with buf.
func get(c *http.Client, u string, buf []byte) (int64, error) {
	resp, err := c.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.CopyBuffer(io.Discard, resp.Body, buf)
	if err != nil {
		return n, err
	}
	if resp.StatusCode != http.StatusOK {
		return n, fmt.Errorf("status %s", resp.Status)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return n, fmt.Errorf("read %d of %d bytes", n, resp.ContentLength)
	}
	return n, nil
}

// throughput fetches a body of size bytes once and returns bytes/second;
// query is added to the URL.
func throughput(s side, size int64, query string) (float64, error) {
	tr := s.transport()
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr}
	buf := make([]byte, 64<<10)
	// Warm the connection so that the figure is the body's alone.
	if _, err := get(c, "https://origin.bench.test/small", buf); err != nil {
		return 0, err
	}
	start := time.Now()
	n, err := get(c, fmt.Sprintf("https://origin.bench.test/big?size=%d%s", size, query), buf)
	d := time.Since(start)
	if err != nil {
		return 0, err
	}
	if n != size {
		return 0, fmt.Errorf("read %d bytes, want %d", n, size)
	}
	return float64(n) / d.Seconds(), nil
}

// expectedSHA256 is the SHA-256 of the body /big serves for size.
func (o *origin) expectedSHA256(size int64) string {
	h := sha256.New()
	o.writeBody(h, size)
	return hex.EncodeToString(h.Sum(nil))
}

// latencies makes n small GETs over one keep-alive connection on each
// side, alternating between the sides so that both see the same machine
// state, and returns the durations of each side, sorted.
func latencies(sides []side, n int) ([][]time.Duration, error) {
	clients := make([]*http.Client, len(sides))
	for i, s := range sides {
		tr := s.transport()
		tr.MaxConnsPerHost = 1
		defer tr.CloseIdleConnections()
		clients[i] = &http.Client{Transport: tr}
	}
	buf := make([]byte, 4<<10)
	ds := make([][]time.Duration, len(sides))
	for i := range 50 + n {
		for j, c := range clients {
			start := time.Now()
			if _, err := get(c, "https://origin.bench.test/small", buf); err != nil {
				return nil, fmt.Errorf("%s: %w", sides[j].name, err)
			}
			if i >= 50 { // after a warm-up
				ds[j] = append(ds[j], time.Since(start))
			}
		}
	}
	for _, d := range ds {
		slices.Sort(d)
	}
	return ds, nil
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p * float64(len(sorted)-1))
	return sorted[i]
}

// newConnections measures a GET on a new connection (TCP, CONNECT when
// proxied, TLS, GET) to hosts never seen before and to hosts seen already,
// alternating between the sides. It returns the medians of each side.
// With resume, each side's client keeps a TLS session cache, as curl,
// Node and browsers do, so that a connection to a seen host resumes.
func newConnections(sides []side, hosts, repeats int, resume bool) (first, repeated []time.Duration, err error) {
	buf := make([]byte, 4<<10)
	if resume {
		sides = slices.Clone(sides)
		for i := range sides {
			sides[i].sessions = tls.NewLRUClientSessionCache(4 * hosts)
		}
	}
	once := func(s side, host string) (time.Duration, error) {
		tr := s.transport()
		defer tr.CloseIdleConnections()
		c := &http.Client{Transport: tr}
		start := time.Now()
		_, err := get(c, "https://"+host+"/small", buf)
		return time.Since(start), err
	}
	firsts := make([][]time.Duration, len(sides))
	repeats_ := make([][]time.Duration, len(sides))
	for i := range hosts + repeats {
		for j, s := range sides {
			host := fmt.Sprintf("%s-%d.bench.test", s.name, i%hosts)
			d, err := once(s, host)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", s.name, err)
			}
			if i < hosts {
				firsts[j] = append(firsts[j], d)
			} else {
				repeats_[j] = append(repeats_[j], d)
			}
		}
	}
	for j := range sides {
		slices.Sort(firsts[j])
		slices.Sort(repeats_[j])
		first = append(first, percentile(firsts[j], 0.5))
		repeated = append(repeated, percentile(repeats_[j], 0.5))
	}
	return first, repeated, nil
}

// concurrency runs clients goroutines, each with its own transport (its own
// connection), making per small GETs, and returns requests/second and the
// number of failed requests.
func concurrency(s side, clients, per int) (float64, int64, error) {
	var errs atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr := s.transport()
			defer tr.CloseIdleConnections()
			c := &http.Client{Transport: tr, Timeout: time.Minute}
			buf := make([]byte, 4<<10)
			for range per {
				if _, err := get(c, "https://origin.bench.test/small", buf); err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	wg.Wait()
	d := time.Since(start)
	if e, _ := firstErr.Load().(error); e != nil {
		return float64(clients*per) / d.Seconds(), errs.Load(), fmt.Errorf("first error: %w", e)
	}
	return float64(clients*per) / d.Seconds(), errs.Load(), nil
}
