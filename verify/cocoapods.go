package verify

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

func cocoaPodsPURL(name, version string) string { return classify.CocoaPodsPURL(name, version) }

// maxPodspec bounds a podspec.
const maxPodspec = 8 << 20

// podspec is what is read of a podspec.json.
type podspec struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Source  struct {
		HTTP   string `json:"http"`
		SHA256 string `json:"sha256"`
		SHA1   string `json:"sha1"`
	} `json:"source"`
}

// parsePodspec reads a podspec from the CocoaPods CDN: a pod whose source
// is an archive (source.http) declares it the file of
// pkg:cocoapods/NAME@VERSION, with its sha256 or sha1 when the podspec
// gives one. (A git source is fetched with git, not as a file.)
func parsePodspec(r io.Reader, p plan, emit func(capture.Digest)) error {
	var s podspec
	if err := json.NewDecoder(io.LimitReader(r, maxPodspec)).Decode(&s); err != nil {
		return fmt.Errorf("podspec: %w", err)
	}
	if s.Name == "" || s.Version == "" || s.Source.HTTP == "" {
		return nil
	}
	d, ok := declare(p, s.Source.HTTP, cocoaPodsPURL(s.Name, s.Version))
	if !ok {
		return nil
	}
	emit(d)
	if v := normalHex(AlgSHA256, s.Source.SHA256); v != "" {
		emit(capture.Digest{Subject: d.Subject, Algorithm: AlgSHA256, Value: v, Source: SourcePublished})
	}
	if v := normalHex(AlgSHA1, s.Source.SHA1); v != "" {
		emit(capture.Digest{Subject: d.Subject, Algorithm: AlgSHA1, Value: v, Source: SourcePublished})
	}
	return nil
}
