package sbom_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/sbom"
)

// npmOnly is a stand-in classifier that knows one npm tarball.
type npmOnly struct{}

func (npmOnly) Classify(r classify.Request) classify.Finding {
	if r.URL == "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz" {
		return classify.Finding{URL: r.URL, Kind: classify.KindArtifact, Ecosystem: "npm",
			PURL: "pkg:npm/left-pad@1.3.0", Name: "left-pad", Version: "1.3.0"}
	}
	return classify.Finding{URL: r.URL, Kind: classify.KindUnclassified}
}

func Example() {
	l := &capture.Log{
		Header: capture.Header{Command: []string{"npm", "ci"}, Dir: "/src/app"},
		Exchanges: []capture.Exchange{{
			ID: 1, Method: "GET", URL: "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
			Host: "registry.npmjs.org", Status: 200, Complete: true, Bytes: 2993, ContentLength: 2993,
			SHA256: strings.Repeat("ab", 32),
		}, {
			ID: 2, Method: "POST", URL: "https://telemetry.example.com/v1/events",
			Host: "telemetry.example.com", Status: 204, Complete: true, ContentLength: -1,
		}},
		Trailer: &capture.Trailer{ExitCode: 0},
	}
	r, err := audit.Analyze(context.Background(), l, audit.Config{Classifier: npmOnly{}})
	if err != nil {
		log.Fatal(err)
	}
	bom, err := sbom.Render(r, sbom.Options{
		ToolVersion:  "1.0.0",
		SerialNumber: "urn:uuid:00000000-0000-4000-8000-000000000000",
		Timestamp:    time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range *bom.Components {
		fmt.Println("component:", c.BOMRef, c.Type)
	}
	for _, s := range *bom.Services {
		fmt.Println("service:", s.Name, *s.Endpoints)
	}
	fmt.Println("project:", bom.Metadata.Component.Name)
	if err := audit.WriteUnclassified(os.Stdout, r.Unclassified); err != nil {
		log.Fatal(err)
	}
	// Output:
	// component: pkg:npm/left-pad@1.3.0 library
	// service: telemetry.example.com [https://telemetry.example.com/v1/events]
	// project: app
	// [
	//   {
	//     "host": "telemetry.example.com",
	//     "method": "POST",
	//     "url": "https://telemetry.example.com/v1/events",
	//     "status": 204,
	//     "bytes": 0,
	//     "count": 1
	//   }
	// ]
}
