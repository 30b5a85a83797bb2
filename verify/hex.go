package verify

import (
	"compress/gzip"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// maxHexPackage bounds a decompressed /packages/NAME resource (every
// release of one package).
const maxHexPackage = 64 << 20

// parseHexPackage reads repo.hex.pm's /packages/NAME: a gzip-compressed
// Signed message (payload = 1, signature = 2) whose payload is a Package
// (releases = 1, name = 2, repository = 3); each Release (version = 1,
// inner_checksum = 2, outer_checksum = 5) gives the SHA-256 of the release
// tarball as stored (outer_checksum), for pkg:hex/[ORG/]NAME@VERSION. The
// signature is not checked here: the digests are compared with the bytes
// received, and a forged one can only turn a match into a mismatch.
func parseHexPackage(r io.Reader, p plan, emit func(capture.Digest)) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("hex package: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, maxHexPackage+1))
	if err != nil {
		return fmt.Errorf("hex package: %w", err)
	}
	if len(data) > maxHexPackage {
		return errors.New("hex package: larger than 64 MiB")
	}
	payload, ok := protoField(data, 1)
	if !ok {
		return errors.New("hex package: no payload")
	}
	pu, err := classify.ParsePURL(p.f.PURL)
	if err != nil || pu.Name == "" {
		return nil
	}
	return protoEach(payload, func(num protowire.Number, b []byte) {
		if num != 1 {
			return
		}
		version, _ := protoField(b, 1)
		sum, _ := protoField(b, 5)
		if len(version) == 0 || len(sum) != 32 {
			return
		}
		pu.Version = string(version)
		emit(capture.Digest{Subject: pu.ToString(), Algorithm: AlgSHA256, Value: hex.EncodeToString(sum), Source: SourcePublished})
	})
}

// protoEach calls fn with every length-delimited field of a protobuf
// message; other fields are skipped.
func protoEach(b []byte, fn func(protowire.Number, []byte)) error {
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return fmt.Errorf("protobuf: %w", protowire.ParseError(n))
		}
		b = b[n:]
		if typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(b)
			if m < 0 {
				return fmt.Errorf("protobuf: %w", protowire.ParseError(m))
			}
			fn(num, v)
			b = b[m:]
			continue
		}
		m := protowire.ConsumeFieldValue(num, typ, b)
		if m < 0 {
			return fmt.Errorf("protobuf: %w", protowire.ParseError(m))
		}
		b = b[m:]
	}
	return nil
}

// protoField returns the first length-delimited field num of a message.
func protoField(b []byte, num protowire.Number) ([]byte, bool) {
	var out []byte
	found := false
	_ = protoEach(b, func(n protowire.Number, v []byte) {
		if n == num && !found {
			out, found = v, true
		}
	})
	return out, found
}
