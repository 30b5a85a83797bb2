package verify

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// Body kinds of RPM repositories.
const (
	// bodyRPMRepomd is repodata/repomd.xml: the digest of each metadata
	// file of the repository.
	bodyRPMRepomd bodyKind = 300 + iota
	// bodyRPMPrimary is the primary index (plain, gzip, zstd, xz or bzip2):
	// the digest and epoch of every package.
	bodyRPMPrimary
)

// FactRPMEpoch is the epoch the primary index gives a package whose file
// name cannot carry it (only recorded when it is not 0).
const FactRPMEpoch = "rpm-epoch"

// rpmPlan decides what to do with an RPM repository body.
func rpmPlan(p plan, f classify.Finding, u *url.URL) plan {
	if f.Kind != classify.KindMetadata {
		return p
	}
	_, file, _ := cutLast(u.Path)
	switch {
	case file == "repomd.xml":
		p.kind, p.source = bodyRPMRepomd, "RPM repomd.xml"
	case strings.Contains(file, "primary.xml"):
		p.kind, p.source = bodyRPMPrimary, "RPM primary index"
	}
	return p
}

// rpmRepoBase returns the URL of the repository a repodata/ URL is under
// (with a trailing slash), "" when it is not under one.
func rpmRepoBase(u *url.URL) string {
	path := u.EscapedPath()
	i := strings.LastIndex(path, "/repodata/")
	if i < 0 {
		return ""
	}
	return (&url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host)}).String() + path[:i+1]
}

// rpmAlg maps a repodata checksum type to an algorithm name.
func rpmAlg(typ string) string {
	switch strings.ToLower(typ) {
	case "sha256":
		return AlgSHA256
	case "sha512":
		return AlgSHA512
	case "sha", "sha1":
		return AlgSHA1
	}
	return ""
}

// rpmSubject resolves a location href (relative to the repository, or to
// xml:base) to a URL; "" for one that leaves the repository's host.
func rpmSubject(base, xmlBase, href string) string {
	if href == "" || strings.Contains(href, "..") {
		return ""
	}
	b := base
	if xmlBase != "" {
		b = strings.TrimSuffix(xmlBase, "/") + "/"
	}
	bu, err := url.Parse(b)
	if err != nil || !bu.IsAbs() {
		return ""
	}
	ref, err := url.Parse(href)
	if err != nil || ref.IsAbs() || strings.HasPrefix(href, "/") {
		return ""
	}
	return bu.ResolveReference(&url.URL{Path: ref.Path}).String()
}

// parseRPMRepomd reads repomd.xml and emits the digest of each metadata
// file it lists (subject: the file's URL).
func parseRPMRepomd(r io.Reader, p plan, emit func(capture.Digest)) error {
	base := rpmRepoBase(p.base)
	if base == "" {
		return nil
	}
	var doc struct {
		Data []struct {
			Checksum struct {
				Type  string `xml:"type,attr"`
				Value string `xml:",chardata"`
			} `xml:"checksum"`
			Location struct {
				Href string `xml:"href,attr"`
			} `xml:"location"`
		} `xml:"data"`
	}
	if err := xml.NewDecoder(io.LimitReader(r, 16<<20)).Decode(&doc); err != nil {
		return fmt.Errorf("RPM repomd.xml: %w", err)
	}
	for _, d := range doc.Data {
		alg := rpmAlg(d.Checksum.Type)
		v := normalHex(alg, d.Checksum.Value)
		subject := rpmSubject(base, "", d.Location.Href)
		if alg != "" && v != "" && subject != "" {
			emit(capture.Digest{Subject: subject, Algorithm: alg, Value: v, Source: SourcePublished})
		}
	}
	return nil
}

// rpmPackage is what is read of one <package> of the primary index.
type rpmPackage struct {
	Version struct {
		Epoch string `xml:"epoch,attr"`
	} `xml:"version"`
	Checksum struct {
		Type  string `xml:"type,attr"`
		Value string `xml:",chardata"`
	} `xml:"checksum"`
	Location struct {
		Href string `xml:"href,attr"`
		Base string `xml:"base,attr"`
	} `xml:"location"`
}

// parseRPMPrimary reads the primary index as served, decompressing it as
// it streams and decoding one <package> at a time, and emits each
// package's digest (subject: the package file's URL) and, when not 0, its
// epoch.
func parseRPMPrimary(r io.Reader, p plan, emit func(capture.Digest)) error {
	base := rpmRepoBase(p.base)
	if base == "" {
		return nil
	}
	text, err := decompressed(r)
	if err != nil {
		return fmt.Errorf("RPM primary index: %w", err)
	}
	dec := xml.NewDecoder(text)
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("RPM primary index: %w", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "package" {
			continue
		}
		var pkg rpmPackage
		if err := dec.DecodeElement(&pkg, &se); err != nil {
			return fmt.Errorf("RPM primary index: %w", err)
		}
		alg := rpmAlg(pkg.Checksum.Type)
		v := normalHex(alg, pkg.Checksum.Value)
		subject := rpmSubject(base, pkg.Location.Base, pkg.Location.Href)
		if alg == "" || v == "" || subject == "" {
			continue
		}
		emit(capture.Digest{Subject: subject, Algorithm: alg, Value: v, Source: SourcePublished})
		if e := pkg.Version.Epoch; e != "" && e != "0" && isDigits(e) {
			emit(capture.Digest{Subject: subject, Algorithm: FactRPMEpoch, Value: e, Source: SourceFact})
		}
	}
}

func isDigits(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// rpmFacts are the epochs the primary indexes of a run published, by
// package file URL key.
type rpmFacts struct {
	epoch map[string]string
}

// addRecords records the facts among a body's records.
func (r *rpmFacts) addRecords(records []capture.Digest) {
	for _, d := range records {
		if d.Source == SourceFact && d.Algorithm == FactRPMEpoch {
			if r.epoch == nil {
				r.epoch = map[string]string{}
			}
			r.epoch[debKey(d.Subject)] = d.Value
		}
	}
}

// refine gives an .rpm finding the epoch its primary index published.
func (r *rpmFacts) refine(f classify.Finding) classify.Finding {
	if f.Ecosystem != classify.EcosystemRPM || f.Kind != classify.KindArtifact || r.epoch == nil {
		return f
	}
	e, ok := r.epoch[debKey(f.URL)]
	if !ok || strings.Contains(f.Version, ":") {
		return f
	}
	p, err := classify.ParsePURL(f.PURL)
	if err != nil {
		return f
	}
	p.Version = e + ":" + p.Version
	f.Version, f.PURL = p.Version, p.ToString()
	return f
}
