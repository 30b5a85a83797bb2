package capture

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// systemRootFiles are where Linux distributions keep the system's trusted
// roots, in the order Go's crypto/x509 looks for them.
var systemRootFiles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
}

// SystemRootsPEM returns the PEM text of the trusted roots, honouring
// SSL_CERT_FILE and SSL_CERT_DIR as read by getenv (depaudit's own
// environment), as Go's crypto/x509 does.
func SystemRootsPEM(getenv func(string) string) ([]byte, error) {
	var out bytes.Buffer
	files := systemRootFiles
	if f := getenv("SSL_CERT_FILE"); f != "" {
		files = []string{f}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil {
			out.Write(b)
			if !bytes.HasSuffix(b, []byte("\n")) {
				out.WriteByte('\n')
			}
			break
		}
		if getenv("SSL_CERT_FILE") != "" {
			return nil, fmt.Errorf("read SSL_CERT_FILE: %w", err)
		}
	}
	if dirs := getenv("SSL_CERT_DIR"); dirs != "" {
		for _, d := range strings.Split(dirs, ":") {
			entries, err := os.ReadDir(d)
			if err != nil {
				continue
			}
			for _, e := range entries {
				if e.IsDir() {
					continue
				}
				b, err := os.ReadFile(filepath.Join(d, e.Name()))
				if err != nil || !bytes.Contains(b, []byte("-----BEGIN CERTIFICATE-----")) {
					continue
				}
				out.Write(b)
				if !bytes.HasSuffix(b, []byte("\n")) {
					out.WriteByte('\n')
				}
			}
		}
	}
	return out.Bytes(), nil
}

// ParsePEMCerts returns every certificate in PEM text, skipping blocks that
// are not certificates or do not parse.
func ParsePEMCerts(b []byte) []*x509.Certificate {
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return certs
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			continue
		}
		certs = append(certs, c)
	}
}

// TrustStore encodes certs as a password-less PKCS#12 trust store, the
// format the JVM reads with -Djavax.net.ssl.trustStoreType=PKCS12.
func TrustStore(certs []*x509.Certificate) ([]byte, error) {
	b, err := pkcs12.Passwordless.EncodeTrustStore(certs, "")
	if err != nil {
		return nil, fmt.Errorf("encode PKCS#12 trust store: %w", err)
	}
	return b, nil
}
