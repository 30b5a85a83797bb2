package verify

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

// pubVersion is what is read of one version of a pub package document.
type pubVersion struct {
	Version       string `json:"version"`
	ArchiveURL    string `json:"archive_url"`
	ArchiveSHA256 string `json:"archive_sha256"`
}

// parsePub streams a pub repository API package document
// (/api/packages/NAME: "latest" and "versions"; or one version's
// document) and, per version, declares its archive_url the archive of
// pkg:pub/NAME@VERSION and emits its archive_sha256.
func parsePub(r io.Reader, p plan, emit func(capture.Digest)) error {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return fmt.Errorf("pub document: %w", err)
	}
	var top pubVersion
	for dec.More() {
		key, err := objectKey(dec)
		if err != nil {
			return fmt.Errorf("pub document: %w", err)
		}
		switch key {
		case "versions":
			if err := expectDelim(dec, '['); err != nil {
				return fmt.Errorf("pub versions: %w", err)
			}
			for dec.More() {
				var v pubVersion
				if err := dec.Decode(&v); err != nil {
					return fmt.Errorf("pub versions: %w", err)
				}
				emitPub(p, v, emit)
			}
			if err := expectDelim(dec, ']'); err != nil {
				return fmt.Errorf("pub versions: %w", err)
			}
		case "latest":
			var v pubVersion
			if err := dec.Decode(&v); err != nil {
				return fmt.Errorf("pub latest: %w", err)
			}
			emitPub(p, v, emit)
		case "version", "archive_url", "archive_sha256":
			var s string
			if err := dec.Decode(&s); err != nil {
				continue
			}
			switch key {
			case "version":
				top.Version = s
			case "archive_url":
				top.ArchiveURL = s
			default:
				top.ArchiveSHA256 = s
			}
		default:
			if err := skipValue(dec); err != nil {
				return fmt.Errorf("pub document: %w", err)
			}
		}
	}
	emitPub(p, top, emit)
	return nil
}

func emitPub(p plan, v pubVersion, emit func(capture.Digest)) {
	if v.Version == "" || v.ArchiveURL == "" {
		return
	}
	pu, err := classify.ParsePURL(p.f.PURL)
	if err != nil || pu.Name == "" {
		return
	}
	pu.Version = v.Version
	d, ok := declare(p, v.ArchiveURL, pu.ToString())
	if !ok {
		return
	}
	emit(d)
	if h := normalHex(AlgSHA256, v.ArchiveSHA256); h != "" {
		emit(capture.Digest{Subject: d.Subject, Algorithm: AlgSHA256, Value: h, Source: SourcePublished})
	}
}
