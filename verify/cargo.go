package verify

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/depaudit/depaudit/capture"
)

// maxIndexLine bounds one line of a sparse index file (one version).
const maxIndexLine = 4 << 20

// cargoVersion is what is read of one sparse index line.
type cargoVersion struct {
	Name  string `json:"name"`
	Vers  string `json:"vers"`
	Cksum string `json:"cksum"`
}

// parseCargoIndex reads a sparse index file, one JSON object per version,
// and emits each version's published SHA-256 (cksum), with the version's
// purl as subject.
func parseCargoIndex(r io.Reader, p plan, emit func(capture.Digest)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxIndexLine)
	for sc.Scan() {
		var v cargoVersion
		if json.Unmarshal(sc.Bytes(), &v) != nil || v.Name == "" || v.Vers == "" {
			continue
		}
		val := normalHex(AlgSHA256, v.Cksum)
		subject := withVersion(p.f.PURL, v.Name, v.Vers)
		if val == "" || subject == "" {
			continue
		}
		emit(capture.Digest{Subject: subject, Algorithm: AlgSHA256, Value: val, Source: SourcePublished})
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("Cargo index: %w", err)
	}
	return nil
}
