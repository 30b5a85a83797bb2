package verify

import (
	"fmt"
	"io"
	"strings"

	"github.com/depaudit/depaudit/capture"
)

// maxSidecar bounds how much of a checksum sidecar is read.
const maxSidecar = 4 << 10

// parseMavenSidecar reads a .sha1/.sha256/.sha512/.md5 sidecar: the hex
// digest, alone or followed by a file name ("HEX  file"), or in the BSD
// form ("SHA1 (file) = HEX"); the first field that is a well-formed
// digest of the sidecar's algorithm wins.
func parseMavenSidecar(r io.Reader, p plan, emit func(capture.Digest)) error {
	b, err := io.ReadAll(io.LimitReader(r, maxSidecar))
	if err != nil {
		return fmt.Errorf("checksum sidecar: %w", err)
	}
	for _, field := range strings.Fields(string(b)) {
		if v := normalHex(p.alg, field); v != "" {
			emit(capture.Digest{Subject: p.subject, Algorithm: p.alg, Value: v, Source: SourcePublished})
			return nil
		}
	}
	return nil
}
