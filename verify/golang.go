package verify

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"strings"

	"github.com/depaudit/depaudit/capture"
)

// parseGoLookup reads a checksum database lookup response: the record
// number, then "MODULE VERSION h1:…" and "MODULE VERSION/go.mod h1:…",
// then a blank line and the signed tree note (ignored).
func parseGoLookup(r io.Reader, _ plan, emit func(capture.Digest)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			return nil // the signed note follows
		}
		f := strings.Fields(line)
		if len(f) != 3 || !validH1(f[2]) {
			continue
		}
		emit(capture.Digest{Subject: goSubjectPrefix + f[0] + "@" + f[1], Algorithm: AlgH1, Value: f[2], Source: SourcePublished})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("Go checksum database lookup: %w", err)
	}
	return nil
}

// validH1 reports a well-formed "h1:" dirhash: a base64 SHA-256.
func validH1(s string) bool {
	b64, ok := strings.CutPrefix(s, "h1:")
	if !ok {
		return false
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	return err == nil && len(raw) == 32
}
