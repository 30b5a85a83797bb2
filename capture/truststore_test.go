package capture

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// The trust store is byte for byte what go-pkcs12's password-less encoder
// writes for the same entries, and it decodes to the same certificates, in
// order: the system's roots and a run's CA, as the build writes them, and
// stores big enough to need long-form lengths at every level.
func TestTrustStoreMatchesGoPKCS12(t *testing.T) {
	ca, err := NewCA(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	roots, err := SystemRootsPEM(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][][]byte{
		"empty":          nil,
		"one CA":         {ca.Cert.Raw},
		"system roots":   append(PEMCertificates(roots), ca.Cert.Raw),
		"1200 entries":   slices.Repeat([][]byte{ca.Cert.Raw}, 1200),
		"odd-sized DERs": {ca.Cert.Raw[:1], ca.Cert.Raw[:127], ca.Cert.Raw[:128], ca.Cert.Raw[:255], ca.Cert.Raw[:256]},
	}
	for name, ders := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := TrustStore(ders)
			if err != nil {
				t.Fatal(err)
			}
			entries := make([]pkcs12.TrustStoreEntry, len(ders))
			for i, der := range ders {
				entries[i] = pkcs12.TrustStoreEntry{Cert: &x509.Certificate{Raw: der}, FriendlyName: fmt.Sprintf("depaudit-%03d", i)}
			}
			want, err := pkcs12.Passwordless.EncodeTrustStoreEntries(entries, "")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("%d bytes, go-pkcs12 writes %d; first difference at byte %d", len(got), len(want), i)
			}
			if name == "odd-sized DERs" || name == "empty" {
				return
			}
			certs, err := pkcs12.DecodeTrustStore(got, "")
			if err != nil {
				t.Fatalf("go-pkcs12 cannot read it back: %v", err)
			}
			if len(certs) != len(ders) {
				t.Fatalf("%d certificates read back, want %d", len(certs), len(ders))
			}
			for i, c := range certs {
				if !bytes.Equal(c.Raw, ders[i]) {
					t.Fatalf("certificate %d differs", i)
				}
			}
		})
	}
}

// BenchmarkTrustStore measures what the trust store costs each build before
// its command starts.
func BenchmarkTrustStore(b *testing.B) {
	roots, err := SystemRootsPEM(os.Getenv)
	if err != nil {
		b.Fatal(err)
	}
	ders := PEMCertificates(roots)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := TrustStore(ders); err != nil {
			b.Fatal(err)
		}
	}
}
