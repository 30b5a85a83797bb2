package capture

import (
	"bytes"
	encasn1 "encoding/asn1"
	"fmt"
	"unicode/utf16"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

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
