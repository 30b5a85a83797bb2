// Package provenance writes the SLSA provenance of a build recorded by
// depaudit: an in-toto Statement (v1) whose predicate is
// https://slsa.dev/provenance/v1, made with the in-toto attestation Go
// bindings (github.com/in-toto/attestation).
//
// Its input is the build's capture log (for the command and the run's
// start and end) and the CycloneDX BOM package sbom rendered from it (for
// the artifacts fetched): every component becomes one resolved dependency
// with the URL it was downloaded from, the digests of the bytes received
// and its package URL as name. The statement is not signed; see
// docs/provenance.md for signing it with the usual tools.
package provenance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	slsa "github.com/in-toto/attestation/go/predicates/provenance/v1"
	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/depaudit/depaudit/capture"
)

// PredicateType is the SLSA provenance predicate type written.
const PredicateType = "https://slsa.dev/provenance/v1"

// BuildType identifies how depaudit describes a build: a command run
// behind its recording proxy, described in docs/provenance.md.
const BuildType = "https://github.com/depaudit/depaudit/blob/main/docs/provenance.md#build-type-v1"

// BuilderID identifies depaudit as the builder that recorded the run.
const BuilderID = "https://github.com/depaudit/depaudit"

// Subject is one artifact the statement is about: a build output named by
// the user, or the capture log.
type Subject struct {
	// Name is the artifact's file name.
	Name string
	// Digest maps algorithm names (sha256, …) to lower-case hex values;
	// it must not be empty.
	Digest map[string]string
}

// Input is what a statement is made of.
type Input struct {
	// Log is the build's capture log: its header's command (redacted as
	// recorded) and start, and its trailer's end.
	Log *capture.Log
	// BOM is the SBOM rendered from Log; its components are the
	// resolved dependencies, its serial number the invocation ID.
	BOM *cdx.BOM
	// Subjects are the artifacts the statement is about; at least one.
	Subjects []Subject
	// ToolVersion is depaudit's version.
	ToolVersion string
}

// Statement builds the in-toto statement of in and checks it with the
// bindings' own validation.
func Statement(in Input) (*intoto.Statement, error) {
	if in.Log == nil || in.BOM == nil {
		return nil, errors.New("provenance: no capture log or no SBOM")
	}
	if len(in.Subjects) == 0 {
		return nil, errors.New("provenance: no subject")
	}
	command := make([]any, len(in.Log.Header.Command))
	for i, a := range in.Log.Header.Command {
		command[i] = a
	}
	ext, err := structpb.NewStruct(map[string]any{"command": command})
	if err != nil {
		return nil, fmt.Errorf("provenance: external parameters: %w", err)
	}
	deps, err := resolvedDependencies(in.BOM)
	if err != nil {
		return nil, err
	}
	meta := &slsa.BuildMetadata{InvocationId: in.BOM.SerialNumber}
	if !in.Log.Header.Start.IsZero() {
		meta.StartedOn = timestamppb.New(in.Log.Header.Start)
	}
	if t := in.Log.Trailer; t != nil && !t.End.IsZero() {
		meta.FinishedOn = timestamppb.New(t.End)
	}
	builder := &slsa.Builder{Id: BuilderID}
	if in.ToolVersion != "" {
		builder.Version = map[string]string{"depaudit": in.ToolVersion}
	}
	pred := &slsa.Provenance{
		BuildDefinition: &slsa.BuildDefinition{
			BuildType:            BuildType,
			ExternalParameters:   ext,
			ResolvedDependencies: deps,
		},
		RunDetails: &slsa.RunDetails{Builder: builder, Metadata: meta},
	}
	if err := pred.Validate(); err != nil {
		return nil, fmt.Errorf("provenance: %w", err)
	}
	predJSON, err := protojson.Marshal(pred)
	if err != nil {
		return nil, fmt.Errorf("provenance: encode predicate: %w", err)
	}
	predStruct := &structpb.Struct{}
	if err := protojson.Unmarshal(predJSON, predStruct); err != nil {
		return nil, fmt.Errorf("provenance: encode predicate: %w", err)
	}
	st := &intoto.Statement{
		Type:          intoto.StatementTypeUri,
		PredicateType: PredicateType,
		Predicate:     predStruct,
	}
	for _, s := range in.Subjects {
		st.Subject = append(st.Subject, &intoto.ResourceDescriptor{Name: s.Name, Digest: s.Digest})
	}
	if err := st.Validate(); err != nil {
		return nil, fmt.Errorf("provenance: %w", err)
	}
	return st, nil
}

// Write writes the statement of in to w as indented JSON.
func Write(w io.Writer, in Input) error {
	st, err := Statement(in)
	if err != nil {
		return err
	}
	b, err := protojson.Marshal(st)
	if err != nil {
		return fmt.Errorf("provenance: encode: %w", err)
	}
	// protojson varies its whitespace on purpose; indent it the same way
	// every time, so that one build always gives the same file.
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return fmt.Errorf("provenance: encode: %w", err)
	}
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}

// digestNames maps CycloneDX hash algorithms to in-toto digest names.
var digestNames = map[cdx.HashAlgorithm]string{
	cdx.HashAlgoSHA1:   "sha1",
	cdx.HashAlgoSHA256: "sha256",
	cdx.HashAlgoSHA512: "sha512",
}

// resolvedDependencies lists every artifact of the BOM: where it was
// downloaded from, its digests and its purl, with depaudit's verification
// as annotations.
func resolvedDependencies(bom *cdx.BOM) ([]*intoto.ResourceDescriptor, error) {
	if bom.Components == nil {
		return nil, nil
	}
	out := make([]*intoto.ResourceDescriptor, 0, len(*bom.Components))
	for _, c := range *bom.Components {
		rd := &intoto.ResourceDescriptor{Name: c.PackageURL, Digest: map[string]string{}}
		if c.Hashes != nil {
			for _, h := range *c.Hashes {
				if n, ok := digestNames[h.Algorithm]; ok {
					rd.Digest[n] = strings.ToLower(h.Value)
				}
			}
		}
		if c.ExternalReferences != nil {
			for _, r := range *c.ExternalReferences {
				if r.Type == cdx.ERTypeDistribution {
					rd.Uri = r.URL
					break
				}
			}
		}
		ann := map[string]any{}
		if c.Properties != nil {
			for _, p := range *c.Properties {
				switch p.Name {
				case "depaudit:ecosystem", "depaudit:verification", "depaudit:verification:reason":
					ann[p.Name] = p.Value
				case "depaudit:verification:source", "depaudit:violation":
					list, _ := ann[p.Name].([]any)
					ann[p.Name] = append(list, p.Value)
				}
			}
		}
		if len(ann) > 0 {
			s, err := structpb.NewStruct(ann)
			if err != nil {
				return nil, fmt.Errorf("provenance: annotations of %s: %w", c.PackageURL, err)
			}
			rd.Annotations = s
		}
		out = append(out, rd)
	}
	return out, nil
}
