package dtrack_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/depaudit/depaudit/dtrack"
	"github.com/depaudit/depaudit/dtrack/dtracktest"
)

// Upload a BOM, wait until Dependency-Track has processed it, and count the
// project's findings by severity. A fake server stands in for
// Dependency-Track; in real use the URL and key come from
// DEPAUDIT_DTRACK_URL and DEPAUDIT_DTRACK_API_KEY.
func Example() {
	srv := dtracktest.NewServer()
	defer srv.Close()
	srv.AddKey("odt_example", dtracktest.BOMUpload, dtracktest.ProjectCreationUpload,
		dtracktest.ViewPortfolio, dtracktest.ViewVulnerability)

	ctx := context.Background()
	client, err := dtrack.New(dtrack.Config{BaseURL: srv.URL, APIKey: "odt_example"})
	if err != nil {
		fmt.Println(err)
		return
	}
	bom := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[]}`)
	res, err := client.Upload(ctx, dtrack.UploadRequest{
		ProjectName: "web", ProjectVersion: "1.0.0", AutoCreate: true, BOM: bom,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("multipart:", res.Multipart)
	if err := client.WaitProcessed(ctx, res.Token); err != nil {
		fmt.Println(err)
		return
	}
	project, err := client.LookupProject(ctx, "web", "1.0.0")
	if err != nil {
		fmt.Println(err)
		return
	}
	findings, err := client.Findings(ctx, project.UUID)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(dtrack.Count(findings))
	// Output:
	// multipart: false
	// critical 0, high 0, medium 0, low 0, info 0, unassigned 0
}

// Every failure is an *Error that names what to do, and for a 403 the
// permission the key lacks.
func ExampleError() {
	srv := dtracktest.NewServer()
	defer srv.Close()
	srv.AddKey("odt_example") // a valid key without permissions
	id := srv.AddProject(dtracktest.Project{Name: "web", Version: "1.0.0"})

	client, _ := dtrack.New(dtrack.Config{BaseURL: srv.URL, APIKey: "odt_example"})
	_, err := client.Upload(context.Background(), dtrack.UploadRequest{ProjectUUID: id, BOM: []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6"}`)})
	var e *dtrack.Error
	if errors.As(err, &e) {
		fmt.Println(e.StatusCode, e.Permission)
		fmt.Println(e.Hint)
	}
	// Output:
	// 403 BOM_UPLOAD
	// add BOM_UPLOAD to the team in Administration → Access Management → Teams
}

func ExampleDetectBOM() {
	info, err := dtrack.DetectBOM([]byte(`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"/>`))
	fmt.Println(info, err)
	_, err = dtrack.DetectBOM([]byte(`{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT"}`))
	fmt.Println(err)
	// Output:
	// CycloneDX XML 1.5 <nil>
	// not a CycloneDX BOM: this is an SPDX document; Dependency-Track's BOM upload takes CycloneDX only
}
