package capture

import (
	"bytes"
	"crypto/sha256"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
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

// SystemRootsPEM returns the PEM text of the trusted roots: SSL_CERT_FILE
// as read by getenv (depaudit's own environment), else the system bundle;
// SSL_CERT_DIR only when there is no bundle file. The roots go into the
// child's CA bundle and JVM trust store next to the run's CA, and matter
// only for connections that bypass the proxy (--no-proxy hosts); the child
// keeps SSL_CERT_DIR in its environment for the clients that read it, so
// reading the directory (hundreds of links to the bundle's certificates)
// would cost start-up time for nothing. Each file is read once, however
// many links point at it.
func SystemRootsPEM(getenv func(string) string) ([]byte, error) {
	var out bytes.Buffer
	add := func(b []byte) {
		out.Write(b)
		if len(b) > 0 && !bytes.HasSuffix(b, []byte("\n")) {
			out.WriteByte('\n')
		}
	}
	read := map[string]bool{}
	files := systemRootFiles
	if f := getenv("SSL_CERT_FILE"); f != "" {
		files = []string{f}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil {
			add(b)
			if fi, err := os.Stat(f); err == nil && fileID(fi) != "" {
				read[fileID(fi)] = true
			}
			break
		}
		if getenv("SSL_CERT_FILE") != "" {
			return nil, fmt.Errorf("read SSL_CERT_FILE: %w", err)
		}
	}
	if dirs := getenv("SSL_CERT_DIR"); dirs != "" && out.Len() == 0 {
		for _, d := range strings.Split(dirs, ":") {
			entries, err := os.ReadDir(d)
			if err != nil {
				continue
			}
			for _, e := range entries {
				if e.IsDir() {
					continue
				}
				p := filepath.Join(d, e.Name())
				fi, err := os.Stat(p)
				if err != nil || fi.IsDir() {
					continue
				}
				id := fileID(fi)
				if id == "" {
					id = p
				}
				if read[id] {
					continue
				}
				read[id] = true
				b, err := os.ReadFile(p)
				if err != nil || !bytes.Contains(b, []byte("-----BEGIN CERTIFICATE-----")) {
					continue
				}
				add(b)
			}
		}
	}
	return out.Bytes(), nil
}

// PEMCertificates returns the DER of every distinct certificate in PEM text,
// in order, without parsing them.
func PEMCertificates(b []byte) [][]byte {
	var ders [][]byte
	// Keyed by digest, not by a copy of each certificate: this runs before
	// every build's command starts, and fresh memory is what costs there.
	seen := map[[sha256.Size]byte]bool{}
	for {
		var block *pem.Block
		block, b = pem.Decode(b)
		if block == nil {
			return ders
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		sum := sha256.Sum256(block.Bytes)
		if seen[sum] {
			continue
		}
		seen[sum] = true
		ders = append(ders, block.Bytes)
	}
}

// fileID identifies a file by device and inode, so that links to one file
// count once; "" when the platform does not say.
func fileID(fi os.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}
