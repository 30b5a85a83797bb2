package capture

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	encasn1 "encoding/asn1"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf16"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
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

// ParsePEMCerts returns every certificate in PEM text, skipping blocks that
// are not certificates or do not parse.
func ParsePEMCerts(b []byte) []*x509.Certificate {
	var certs []*x509.Certificate
	for _, der := range PEMCertificates(b) {
		if c, err := x509.ParseCertificate(der); err == nil {
			certs = append(certs, c)
		}
	}
	return certs
}

// TrustStore encodes certificates (DER) as a password-less PKCS#12 trust
// store, the format the JVM reads with -Djavax.net.ssl.trustStoreType=PKCS12:
// one unencrypted SafeContents of certBags, each with a friendly name of its
// own (roots that share a subject, cross-signed generations, would
// otherwise collapse into one JVM entry) and the attribute that makes it a
// trust anchor for any purpose (Oracle's trusted-key-usage OID with
// anyExtendedKeyUsage), and no MAC. The bytes are those of
// software.sslmate.com/src/go-pkcs12's Passwordless.EncodeTrustStoreEntries
// (the tests hold the two equal): built here in one buffer, without
// encoding/asn1's reflection and nested copies, because this runs before
// every build's command starts and the trust store is most of that time.
func TrustStore(ders [][]byte) ([]byte, error) {
	javaTrust, err := encodeAttribute(oidJavaTrustedKeyUsage, func(b *cryptobyte.Builder) {
		b.AddASN1ObjectIdentifier(oidAnyExtendedKeyUsage)
	})
	if err != nil {
		return nil, fmt.Errorf("encode PKCS#12 trust store: %w", err)
	}
	size := 256
	for _, der := range ders {
		size += len(der) + 128
	}
	b := cryptobyte.NewBuilder(make([]byte, 0, size))
	// PFX ::= SEQUENCE { version 3, authSafe ContentInfo } (RFC 7292).
	b.AddASN1(cbasn1.SEQUENCE, func(pfx *cryptobyte.Builder) {
		pfx.AddASN1Int64(3)
		addDataContentInfo(pfx, func(authSafe *cryptobyte.Builder) {
			// AuthenticatedSafe ::= SEQUENCE OF ContentInfo: one, of
			// SafeContents ::= SEQUENCE OF SafeBag.
			authSafe.AddASN1(cbasn1.SEQUENCE, func(infos *cryptobyte.Builder) {
				addDataContentInfo(infos, func(contents *cryptobyte.Builder) {
					contents.AddASN1(cbasn1.SEQUENCE, func(bags *cryptobyte.Builder) {
						for i, der := range ders {
							addTrustedCertBag(bags, der, fmt.Sprintf("depaudit-%03d", i), javaTrust)
						}
					})
				})
			})
		})
	})
	out, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("encode PKCS#12 trust store: %w", err)
	}
	return out, nil
}

var (
	oidDataContentType     = encasn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	oidCertBag             = encasn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 10, 1, 3}
	oidX509Certificate     = encasn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 22, 1}
	oidFriendlyName        = encasn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 20}
	oidJavaTrustedKeyUsage = encasn1.ObjectIdentifier{2, 16, 840, 1, 113894, 746875, 1, 1}
	oidAnyExtendedKeyUsage = encasn1.ObjectIdentifier{2, 5, 29, 37, 0}
)

// explicit0 is the tag of an [0] EXPLICIT field.
var explicit0 = cbasn1.Tag(0).Constructed().ContextSpecific()

// addDataContentInfo adds ContentInfo { id-data, [0] EXPLICIT OCTET STRING
// holding what content adds }.
func addDataContentInfo(b *cryptobyte.Builder, content cryptobyte.BuilderContinuation) {
	b.AddASN1(cbasn1.SEQUENCE, func(ci *cryptobyte.Builder) {
		ci.AddASN1ObjectIdentifier(oidDataContentType)
		ci.AddASN1(explicit0, func(e *cryptobyte.Builder) {
			e.AddASN1(cbasn1.OCTET_STRING, content)
		})
	})
}

// addTrustedCertBag adds SafeBag { certBag, [0] CertBag { x509Certificate,
// [0] OCTET STRING der }, SET OF attributes }.
func addTrustedCertBag(b *cryptobyte.Builder, der []byte, name string, javaTrust []byte) {
	friendly, err := encodeAttribute(oidFriendlyName, func(v *cryptobyte.Builder) {
		v.AddASN1(cbasn1.Tag(30), func(s *cryptobyte.Builder) { // BMPString
			for _, r := range utf16.Encode([]rune(name)) {
				s.AddUint16(r)
			}
		})
	})
	if err != nil {
		b.SetError(err)
		return
	}
	// DER orders the members of a SET OF by their encodings.
	attrs := [2][]byte{javaTrust, friendly}
	if bytes.Compare(attrs[0], attrs[1]) > 0 {
		attrs[0], attrs[1] = attrs[1], attrs[0]
	}
	b.AddASN1(cbasn1.SEQUENCE, func(bag *cryptobyte.Builder) {
		bag.AddASN1ObjectIdentifier(oidCertBag)
		bag.AddASN1(explicit0, func(v *cryptobyte.Builder) {
			v.AddASN1(cbasn1.SEQUENCE, func(cb *cryptobyte.Builder) {
				cb.AddASN1ObjectIdentifier(oidX509Certificate)
				cb.AddASN1(explicit0, func(e *cryptobyte.Builder) {
					e.AddASN1OctetString(der)
				})
			})
		})
		bag.AddASN1(cbasn1.SET, func(set *cryptobyte.Builder) {
			set.AddBytes(attrs[0])
			set.AddBytes(attrs[1])
		})
	})
}

// encodeAttribute returns Attribute { id, SET { what values adds } }.
func encodeAttribute(id encasn1.ObjectIdentifier, values cryptobyte.BuilderContinuation) ([]byte, error) {
	b := cryptobyte.NewBuilder(make([]byte, 0, 64))
	b.AddASN1(cbasn1.SEQUENCE, func(a *cryptobyte.Builder) {
		a.AddASN1ObjectIdentifier(id)
		a.AddASN1(cbasn1.SET, values)
	})
	return b.Bytes()
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
