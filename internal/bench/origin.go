package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/depaudit/depaudit/capture"
)

// blockSize is the size of the pseudo-random block the origin repeats to
// make large bodies.
const blockSize = 1 << 20

// smallBody is the body of /small, the request of the latency, new
// connection and concurrency figures.
var smallBody = []byte(`{"name":"left-pad","dist-tags":{"latest":"1.3.0"},"versions":{"1.3.0":{}}}` + "\n")

// origin is an HTTPS server on loopback with its own test CA, serving every
// *.bench.test name from one wildcard certificate.
type origin struct {
	addr   string
	ca     *capture.CA
	roots  *x509.CertPool
	block  []byte
	server *http.Server
}

func startOrigin() (*origin, error) {
	ca, err := capture.NewCA(time.Now())
	if err != nil {
		return nil, fmt.Errorf("origin CA: %w", err)
	}
	cert, err := ca.Leaf("*.bench.test")
	if err != nil {
		return nil, fmt.Errorf("origin certificate: %w", err)
	}
	o := &origin{ca: ca, roots: x509.NewCertPool(), block: make([]byte, blockSize)}
	o.roots.AddCert(ca.Cert)
	r := rand.New(rand.NewChaCha8([32]byte{'d', 'e', 'p', 'a', 'u', 'd', 'i', 't'}))
	for i := 0; i < len(o.block); i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			o.block[i+j] = byte(v >> (8 * j))
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("origin listen: %w", err)
	}
	o.addr = l.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("/small", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(smallBody)))
		w.Write(smallBody)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		size, err := strconv.ParseInt(r.URL.Query().Get("size"), 10, 64)
		if err != nil || size < 0 {
			http.Error(w, "bad size", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		o.writeBody(w, size)
	})
	o.server = &http.Server{
		Handler:   mux,
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{*cert}, NextProtos: []string{"http/1.1"}},
		ErrorLog:  log.New(io.Discard, "", 0),
	}
	go o.server.ServeTLS(l, "", "")
	return o, nil
}

// writeBody writes size bytes of the repeated block to w.
func (o *origin) writeBody(w io.Writer, size int64) error {
	for size > 0 {
		n := int64(len(o.block))
		if size < n {
			n = size
		}
		if _, err := w.Write(o.block[:n]); err != nil {
			return err
		}
		size -= n
	}
	return nil
}

// dial connects to the origin whatever address was asked for: every
// *.bench.test name resolves to it.
func (o *origin) dial(network string) (net.Conn, error) {
	return net.Dial(network, o.addr)
}

func (o *origin) close() { o.server.Close() }
