package verify

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/internal/lines"
)

// maxHelmLine bounds a line of a chart repository's index.yaml; longer
// lines (a chart's long description) are passed over.
const maxHelmLine = 64 << 10

// helmChart is what is read of one chart version of an index.yaml.
type helmChart struct {
	name, version, digest string
	urls                  []string
}

// parseHelmIndex streams a Helm chart repository's index.yaml and, per
// chart version, declares each of its urls the chart
// pkg:generic/NAME@VERSION?repository_url=REPOSITORY (the index's
// directory) and emits its published SHA-256 (`digest:`). Indexes of large
// repositories run to tens of megabytes, so the document is read line by
// line, one chart version held at a time, rather than decoded whole: it
// reads the layout helm writes (`entries:`, then per chart a list of
// mappings with `digest`, `name`, `urls` and `version` keys, block-style);
// a key it does not read, a block scalar's lines and flow-style values
// other than a scalar are passed over.
func parseHelmIndex(r io.Reader, p plan, emit func(capture.Digest)) error {
	repo := ""
	if p.base != nil {
		repo = classify.ChartRepository(p.base.String())
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var (
		cur        *helmChart
		itemIndent = -1
		inURLs     bool
		inEntries  bool
	)
	flush := func() {
		if cur != nil {
			emitHelm(p, repo, *cur, emit)
		}
		cur, inURLs = nil, false
	}
	for {
		raw, err := lines.Read(br, maxHelmLine)
		line := string(raw)
		if line != "" {
			trimmed := strings.TrimLeft(line, " ")
			indent := len(line) - len(trimmed)
			switch {
			case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			case indent == 0:
				flush()
				inEntries = strings.HasPrefix(trimmed, "entries:")
				itemIndent = -1
			case !inEntries:
			case strings.HasPrefix(trimmed, "- ") && (itemIndent < 0 || indent == itemIndent):
				flush()
				itemIndent = indent
				cur = &helmChart{}
				helmKey(cur, strings.TrimPrefix(trimmed, "- "), &inURLs)
			case cur != nil && strings.HasPrefix(trimmed, "- ") && inURLs && indent > itemIndent && indent <= itemIndent+2:
				if u := helmScalar(strings.TrimPrefix(trimmed, "- ")); u != "" {
					cur.urls = append(cur.urls, u)
				}
			case cur != nil && indent == itemIndent+2:
				helmKey(cur, trimmed, &inURLs)
			case itemIndent >= 0 && indent < itemIndent:
				// The next chart's name.
				flush()
			}
		}
		if err == io.EOF {
			flush()
			return nil
		}
		// A line longer than the bound is skipped; the last line may lack
		// its newline.
		if err != nil && !errors.Is(err, lines.ErrTooLong) && !errors.Is(err, lines.ErrNoNewline) {
			return fmt.Errorf("helm index: %w", err)
		}
	}
}

// helmKey reads one "key: value" line of a chart version.
func helmKey(c *helmChart, kv string, inURLs *bool) {
	key, value, ok := strings.Cut(kv, ":")
	if !ok {
		return
	}
	*inURLs = false
	value = helmScalar(value)
	switch key {
	case "name":
		c.name = value
	case "version":
		c.version = value
	case "digest":
		c.digest = value
	case "urls":
		if strings.HasPrefix(value, "[") {
			for _, u := range strings.Split(strings.Trim(value, "[]"), ",") {
				if u = helmScalar(u); u != "" {
					c.urls = append(c.urls, u)
				}
			}
			return
		}
		*inURLs = true
	}
}

// helmScalar is a plain or quoted YAML scalar's value.
func helmScalar(s string) string {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, `"`):
		if u, err := strconv.Unquote(s); err == nil {
			return u
		}
		return ""
	case strings.HasPrefix(s, "'"):
		return strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(s, "'"), "'"), "''", "'")
	}
	if i := strings.Index(s, " #"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

func emitHelm(p plan, repo string, c helmChart, emit func(capture.Digest)) {
	if c.name == "" || c.version == "" || repo == "" {
		return
	}
	purl := classify.HelmPURL(repo, c.name, c.version)
	for _, u := range c.urls {
		d, ok := declareAs(p, u, purl, classify.EcosystemHelm)
		if !ok {
			continue
		}
		emit(d)
		if h := normalHex(AlgSHA256, c.digest); h != "" {
			emit(capture.Digest{Subject: d.Subject, Algorithm: AlgSHA256, Value: h, Source: SourcePublished})
		}
	}
}
