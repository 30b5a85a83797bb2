package capture

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

// CA is the certificate authority that signs the leaf certificates the
// proxy presents to the child. A fresh one is made for every run unless the
// user loads a persistent one.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// CertPEM is the CA certificate, PEM encoded.
	CertPEM []byte

	mu     sync.Mutex
	leaves map[string]*leafEntry
	// leafKey is shared by every leaf of this CA: one key generation per run
	// instead of one per host.
	leafKey *ecdsa.PrivateKey
	// ticketKey encrypts the TLS session tickets of every connection of
	// this CA, so that a client reconnecting to a host resumes its session
	// on another tunnel (one key per CA, in memory: a run's life).
	ticketKey [32]byte
}

type leafEntry struct {
	once sync.Once
	cert *tls.Certificate
	err  error
}

// NewCA makes an in-memory ECDSA P-256 CA valid for a short time around now.
func NewCA(now time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate CA key: %w", err)
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject: pkix.Name{
			CommonName:   "depaudit per-run CA " + now.UTC().Format("2006-01-02T15:04:05Z"),
			Organization: []string{"depaudit"},
		},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(7 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("create CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	return newCA(cert, key)
}

// LoadCA reads a persistent CA from a PEM certificate file and a PEM private
// key file (PKCS#8, EC or PKCS#1).
func LoadCA(certFile, keyFile string) (*CA, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("read CA certificate: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("read CA key: %w", err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("load CA %s / %s: %w", certFile, keyFile, err)
	}
	cert, err := x509.ParseCertificate(pair.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate %s: %w", certFile, err)
	}
	if !cert.IsCA {
		return nil, fmt.Errorf("load CA %s: certificate is not a CA (basicConstraints CA:FALSE)", certFile)
	}
	signer, ok := pair.PrivateKey.(crypto.Signer)
	if !ok {
		return nil, errors.New("load CA: private key cannot sign")
	}
	return newCA(cert, signer)
}

func newCA(cert *x509.Certificate, key crypto.Signer) (*CA, error) {
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate leaf key: %w", err)
	}
	ca := &CA{
		Cert:    cert,
		Key:     key,
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}),
		leaves:  make(map[string]*leafEntry),
		leafKey: leafKey,
	}
	if _, err := rand.Read(ca.ticketKey[:]); err != nil {
		return nil, fmt.Errorf("generate session ticket key: %w", err)
	}
	return ca, nil
}

// Leaf returns the certificate for host, made on first use and cached for
// the life of the CA. host may carry a port, which is ignored.
func (ca *CA) Leaf(host string) (*tls.Certificate, error) {
	host = stripPort(host)
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" {
		return nil, errors.New("leaf certificate: empty host name")
	}
	ca.mu.Lock()
	e, ok := ca.leaves[host]
	if !ok {
		e = &leafEntry{}
		ca.leaves[host] = e
	}
	ca.mu.Unlock()
	e.once.Do(func() { e.cert, e.err = ca.makeLeaf(host) })
	return e.cert, e.err
}

func (ca *CA) makeLeaf(host string) (*tls.Certificate, error) {
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: host, Organization: []string{"depaudit"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(7 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	if tmpl.NotAfter.After(ca.Cert.NotAfter) {
		tmpl.NotAfter = ca.Cert.NotAfter
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, ca.leafKey.Public(), ca.Key)
	if err != nil {
		return nil, fmt.Errorf("sign leaf certificate for %s: %w", host, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse leaf certificate for %s: %w", host, err)
	}
	return &tls.Certificate{
		Certificate: [][]byte{der, ca.Cert.Raw},
		PrivateKey:  ca.leafKey,
		Leaf:        leaf,
	}, nil
}

// TLSConfig returns the server-side TLS configuration for MITM connections
// to host: the cached leaf for the SNI name the client sent, else for host.
// Every configuration of a CA shares its session ticket key: a client that
// reconnects resumes (no certificate, one round trip less).
func (ca *CA) TLSConfig(host string) *tls.Config {
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS12,
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			name := hello.ServerName
			if name == "" {
				name = host
			}
			return ca.Leaf(name)
		},
		NextProtos: []string{"http/1.1"},
		// The client is on loopback: a classical key exchange is enough
		// there, and costs both ends far less per handshake than the
		// post-quantum hybrid (X25519MLKEM768) Go would choose.
		CurvePreferences: []tls.CurveID{tls.X25519, tls.CurveP256},
	}
	cfg.SetSessionTicketKeys([][32]byte{ca.ticketKey})
	return cfg
}

func randomSerial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("certificate serial: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}

// stripPort removes a trailing :port from host, keeping IPv6 literals whole.
func stripPort(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
}
