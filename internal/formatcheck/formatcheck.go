// Package formatcheck validates depaudit's CycloneDX, SPDX and provenance outputs in
// tests: against the official schemas copied into the repository's
// testdata, and by the libraries that read them. It is for tests only.
package formatcheck

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	slsa "github.com/in-toto/attestation/go/predicates/provenance/v1"
	intoto "github.com/in-toto/attestation/go/v1"
	"github.com/santhosh-tekuri/jsonschema/v6"
	spdxjson "github.com/spdx/tools-golang/json"
	v23 "github.com/spdx/tools-golang/spdx/v2/v2_3"
	"github.com/spdx/tools-golang/spdxlib"
	"google.golang.org/protobuf/encoding/protojson"
)

// testdataDir is the repository's testdata directory, found from this
// file's own path so that any package's tests can use it.
func testdataDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata")
}

var (
	spdxOnce   sync.Once
	spdxSchema *jsonschema.Schema
	spdxErr    error
)

// spdxSchemaID is the $id of the official SPDX 2.3 JSON schema.
const spdxSchemaID = "http://spdx.org/rdf/terms/2.3"

func compileSPDX() (*jsonschema.Schema, error) {
	spdxOnce.Do(func() {
		f, err := os.Open(filepath.Join(testdataDir(), "spdx-schemas", "spdx-2.3.schema.json"))
		if err != nil {
			spdxErr = err
			return
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			spdxErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		if err := c.AddResource(spdxSchemaID, doc); err != nil {
			spdxErr = err
			return
		}
		spdxSchema, spdxErr = c.Compile(spdxSchemaID)
	})
	return spdxSchema, spdxErr
}

// SPDX checks that data is an SPDX 2.3 JSON document valid by the official
// schema, that github.com/spdx/tools-golang reads it back, and that the
// library's own validation accepts it. It returns the document read.
func SPDX(data []byte) (*v23.Document, error) {
	s, err := compileSPDX()
	if err != nil {
		return nil, fmt.Errorf("compile the SPDX 2.3 schema: %w", err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("SPDX document is not JSON: %w", err)
	}
	if err := s.Validate(inst); err != nil {
		return nil, fmt.Errorf("SPDX document does not validate against the SPDX 2.3 JSON schema: %w", err)
	}
	doc, err := spdxjson.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("tools-golang cannot read the SPDX document: %w", err)
	}
	if doc.SPDXVersion != v23.Version {
		return nil, fmt.Errorf("SPDX version %q, want %q", doc.SPDXVersion, v23.Version)
	}
	if err := spdxlib.ValidateDocument(doc); err != nil {
		return nil, fmt.Errorf("tools-golang rejects the SPDX document: %w", err)
	}
	return doc, nil
}

// Provenance checks that data is an in-toto Statement v1 with an SLSA
// provenance v1 predicate that the in-toto attestation Go bindings read
// strictly (no unknown fields) and validate. It returns the statement and
// its predicate.
func Provenance(data []byte) (*intoto.Statement, *slsa.Provenance, error) {
	st := &intoto.Statement{}
	if err := protojson.Unmarshal(data, st); err != nil {
		return nil, nil, fmt.Errorf("not an in-toto statement: %w", err)
	}
	if err := st.Validate(); err != nil {
		return nil, nil, fmt.Errorf("in-toto statement: %w", err)
	}
	if st.GetType() != intoto.StatementTypeUri {
		return nil, nil, fmt.Errorf("statement type %q, want %q", st.GetType(), intoto.StatementTypeUri)
	}
	if st.GetPredicateType() != "https://slsa.dev/provenance/v1" {
		return nil, nil, fmt.Errorf("predicate type %q, want https://slsa.dev/provenance/v1", st.GetPredicateType())
	}
	pj, err := protojson.Marshal(st.GetPredicate())
	if err != nil {
		return nil, nil, err
	}
	pred := &slsa.Provenance{}
	if err := protojson.Unmarshal(pj, pred); err != nil {
		return nil, nil, fmt.Errorf("predicate is not SLSA provenance v1: %w", err)
	}
	if err := pred.Validate(); err != nil {
		return nil, nil, fmt.Errorf("SLSA provenance: %w", err)
	}
	for i, rd := range pred.GetBuildDefinition().GetResolvedDependencies() {
		if rd.GetUri() == "" || rd.GetName() == "" || rd.GetDigest()["sha256"] == "" {
			return nil, nil, fmt.Errorf("resolvedDependencies[%d] lacks a uri, a name or a sha256: %v", i, rd)
		}
	}
	return st, pred, nil
}

var (
	cdxOnce    sync.Once
	cdxSchemas map[string]*jsonschema.Schema
	cdxErr     error
)

// compileCycloneDX compiles the official CycloneDX JSON schemas of the
// spec versions the repository's testdata holds, by spec version.
func compileCycloneDX() (map[string]*jsonschema.Schema, error) {
	cdxOnce.Do(func() {
		dir := filepath.Join(testdataDir(), "cyclonedx-schemas")
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		for _, name := range []string{"spdx.schema.json", "jsf-0.82.schema.json", "bom-1.5.schema.json", "bom-1.6.schema.json"} {
			f, err := os.Open(filepath.Join(dir, name))
			if err != nil {
				cdxErr = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(f)
			f.Close()
			if err != nil {
				cdxErr = fmt.Errorf("%s: %w", name, err)
				return
			}
			if err := c.AddResource("http://cyclonedx.org/schema/"+name, doc); err != nil {
				cdxErr = err
				return
			}
		}
		cdxSchemas = map[string]*jsonschema.Schema{}
		for spec, name := range map[string]string{"1.5": "bom-1.5.schema.json", "1.6": "bom-1.6.schema.json"} {
			s, err := c.Compile("http://cyclonedx.org/schema/" + name)
			if err != nil {
				cdxErr = err
				return
			}
			cdxSchemas[spec] = s
		}
	})
	return cdxSchemas, cdxErr
}

// ErrNoCycloneDXSchema is returned by CycloneDX for a spec version whose
// schema the repository's testdata does not hold.
var ErrNoCycloneDXSchema = fmt.Errorf("no CycloneDX JSON schema in testdata for this spec version")

// CycloneDX checks that data is a CycloneDX JSON BOM valid by the official
// schema of spec (a spec version: "1.5" or "1.6").
func CycloneDX(data []byte, spec string) error {
	schemas, err := compileCycloneDX()
	if err != nil {
		return fmt.Errorf("CycloneDX schemas: %w", err)
	}
	s, ok := schemas[spec]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNoCycloneDXSchema, spec)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("BOM is not JSON: %w", err)
	}
	if err := s.Validate(inst); err != nil {
		return fmt.Errorf("BOM does not validate against the CycloneDX %s schema: %w", spec, err)
	}
	return nil
}
