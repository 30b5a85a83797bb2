package verify

import (
	"bufio"
	"compress/gzip"
	"fmt"
	"io"
	"strings"

	"github.com/depaudit/depaudit/capture"
)

// parseCRANPackages reads a CRAN repository index (src/contrib/PACKAGES,
// or PACKAGES.gz, decompressed as it streams): Debian-control stanzas
// whose Package, Version and MD5sum fields give the MD5 of
// NAME_VERSION.tar.gz in the same directory. (PACKAGES.rds, which R
// prefers, is R's own serialisation and is not read.)
func parseCRANPackages(r io.Reader, p plan, emit func(capture.Digest)) error {
	if p.base != nil && strings.HasSuffix(p.base.Path, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("CRAN PACKAGES: %w", err)
		}
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxChecksumLine)
	var name, version, md5 string
	flush := func() {
		if v := normalHex(AlgMD5, md5); name != "" && version != "" && v != "" && !strings.ContainsAny(name+version, "/?#%") {
			if u := resolveURL(p.base, name+"_"+version+".tar.gz"); u != "" {
				emit(capture.Digest{Subject: u, Algorithm: AlgMD5, Value: v, Source: SourcePublished})
			}
		}
		name, version, md5 = "", "", ""
	}
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok || strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t") {
			continue
		}
		switch k {
		case "Package":
			name = strings.TrimSpace(v)
		case "Version":
			version = strings.TrimSpace(v)
		case "MD5sum":
			md5 = strings.TrimSpace(v)
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return fmt.Errorf("CRAN PACKAGES: %w", err)
	}
	return nil
}
