package verify

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// maxGemInfoLine bounds one line of a compact index info file (one
// version with its dependencies and requirements).
const maxGemInfoLine = 1 << 20

// parseGemInfo reads a RubyGems compact index info file (/info/NAME): after
// a "---" line, one line per version, "VERSION[-PLATFORM] DEPS|REQS",
// where REQS is a ","-separated list that holds "checksum:SHA256HEX". It
// emits each version's published SHA-256 with the version's purl (platform
// qualifier included) as subject.
func parseGemInfo(r io.Reader, p plan, emit func(capture.Digest)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxGemInfoLine)
	for sc.Scan() {
		version, platform, sum, ok := GemInfoLine(sc.Text())
		if !ok {
			continue
		}
		if subject := gemSubject(p.f.PURL, version, platform); subject != "" {
			emit(capture.Digest{Subject: subject, Algorithm: AlgSHA256, Value: sum, Source: SourcePublished})
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("gem info: %w", err)
	}
	return nil
}

// GemInfoLine reads one version line of a compact index info file and
// returns its version, platform ("" for ruby) and published SHA-256 (lower
// case hex); ok is false for the "---" line, blank lines and lines without
// a well-formed checksum.
func GemInfoLine(line string) (version, platform, sha256 string, ok bool) {
	full, rest, found := strings.Cut(strings.TrimSpace(line), " ")
	if !found || full == "" {
		return "", "", "", false
	}
	_, reqs, found := strings.Cut(rest, "|")
	if !found {
		return "", "", "", false
	}
	for _, req := range strings.Split(reqs, ",") {
		if v, isSum := strings.CutPrefix(strings.TrimSpace(req), "checksum:"); isSum {
			sha256 = normalHex(AlgSHA256, v)
		}
	}
	if sha256 == "" {
		return "", "", "", false
	}
	version, platform, _ = strings.Cut(full, "-")
	if version == "" || platform == "ruby" {
		platform = ""
	}
	if version == "" {
		return "", "", "", false
	}
	return version, platform, sha256, true
}

// gemSubject is the purl of one version of the gem an info file describes
// (base has no version), with its platform qualifier; "" when base does not
// parse.
func gemSubject(base, version, platform string) string {
	pu, err := classify.ParsePURL(base)
	if err != nil || pu.Type != packageurl.TypeGem {
		return ""
	}
	pu.Version = version
	qs := slices.DeleteFunc(slices.Clone(pu.Qualifiers), func(q packageurl.Qualifier) bool { return q.Key == "platform" })
	if platform != "" {
		qs = append(qs, packageurl.Qualifier{Key: "platform", Value: platform})
	}
	slices.SortFunc(qs, func(a, b packageurl.Qualifier) int { return strings.Compare(a.Key, b.Key) })
	pu.Qualifiers = qs
	return pu.ToString()
}
