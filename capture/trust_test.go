package capture

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSystemRootsPEMHonoursSSLCertFile(t *testing.T) {
	dir := t.TempDir()
	a, _ := NewCA(time.Now())
	b, _ := NewCA(time.Now())
	file := filepath.Join(dir, "bundle.pem")
	os.WriteFile(file, a.CertPEM, 0o644)
	certDir := filepath.Join(dir, "certs")
	os.Mkdir(certDir, 0o755)
	os.WriteFile(filepath.Join(certDir, "b.pem"), b.CertPEM, 0o644)
	os.Symlink(filepath.Join(certDir, "b.pem"), filepath.Join(certDir, "0123abcd.0"))

	env := map[string]string{"SSL_CERT_FILE": file, "SSL_CERT_DIR": certDir}
	got, err := SystemRootsPEM(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, a.CertPEM) {
		t.Errorf("roots = %q, want only SSL_CERT_FILE's certificate", got)
	}
	env["SSL_CERT_FILE"] = filepath.Join(dir, "missing.pem")
	if _, err := SystemRootsPEM(func(k string) string { return env[k] }); err == nil {
		t.Error("an unreadable SSL_CERT_FILE is not an error")
	}
	ders := PEMCertificates(append(append(append([]byte{}, a.CertPEM...), b.CertPEM...), a.CertPEM...))
	if len(ders) != 2 {
		t.Errorf("PEMCertificates kept %d certificates, want 2 distinct", len(ders))
	}
	if store, err := TrustStore(ders); err != nil || len(store) == 0 {
		t.Errorf("TrustStore: %v", err)
	}
}
