package dtrack_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/dtrack"
	"github.com/depaudit/depaudit/dtrack/dtracktest"
)

func TestUploadPutExistingProjectByName(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	id := srv.AddProject(dtracktest.Project{Name: "web", Version: "1.0"})
	c, _ := newClient(t, srv.URL, testKey)
	bom := smallBOM(3)

	res, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1.0", BOM: bom})
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if res.Multipart || !dtrack.IsUUID(res.Token) {
		t.Errorf("result = %+v, want PUT with a token", res)
	}
	ups := srv.Uploads()
	if len(ups) != 1 {
		t.Fatalf("server got %d uploads, want 1", len(ups))
	}
	u := ups[0]
	if u.Method != http.MethodPut || u.ProjectUUID != id || u.Created || u.Token != res.Token {
		t.Errorf("upload = %+v, want PUT to %s", u, id)
	}
	if !bytes.Equal(u.BOM, bom) {
		t.Error("the server decoded different BOM bytes")
	}
	if _, ok := u.Fields["autoCreate"]; ok {
		t.Errorf("autoCreate sent without --auto-create: %v", u.Fields)
	}
	reqs := srv.Requests()
	if reqs[0].ContentType != "application/json" || reqs[0].APIKey != testKey {
		t.Errorf("request = %+v, want JSON with X-Api-Key", reqs[0])
	}
}

func TestUploadByUUID(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	id := srv.AddProject(dtracktest.Project{Name: "web", Version: "1.0"})
	c, _ := newClient(t, srv.URL, testKey)
	if _, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectUUID: id, BOM: smallBOM(1)}); err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if got := srv.Uploads()[0].Fields; got["project"] != id || got["projectName"] != "" {
		t.Errorf("fields = %v, want only project=%s", got, id)
	}
}

func TestUploadAutoCreateWithParentTagsLatest(t *testing.T) {
	for _, multipart := range []bool{false, true} {
		t.Run(map[bool]string{false: "PUT", true: "multipart"}[multipart], func(t *testing.T) {
			srv := newFake(t, dtracktest.BOMUpload, dtracktest.ProjectCreationUpload)
			parent := srv.AddProject(dtracktest.Project{Name: "platform", Version: "2"})
			c, _ := newClient(t, srv.URL, testKey)
			_, err := c.Upload(context.Background(), dtrack.UploadRequest{
				ProjectName: "svc", ProjectVersion: "3.1", AutoCreate: true,
				ParentName: "platform", ParentVersion: "2", IsLatest: true,
				Tags: []string{"ci", "team-a"}, BOM: smallBOM(2), Multipart: multipart,
			})
			if err != nil {
				t.Fatalf("Upload: %v", err)
			}
			u := srv.Uploads()[0]
			if !u.Created {
				t.Error("project not created")
			}
			var created dtracktest.Project
			for _, p := range srv.Projects() {
				if p.UUID == u.ProjectUUID {
					created = p
				}
			}
			if created.Name != "svc" || created.Version != "3.1" || created.ParentUUID != parent || !created.IsLatest ||
				strings.Join(created.Tags, ",") != "ci,team-a" {
				t.Errorf("created project = %+v", created)
			}
			wantMethod := map[bool]string{false: http.MethodPut, true: http.MethodPost}[multipart]
			if u.Method != wantMethod {
				t.Errorf("method = %s, want %s", u.Method, wantMethod)
			}
		})
	}
}

func TestUploadAutoCreateWithoutPermissionIs401(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	c, _ := newClient(t, srv.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "new", ProjectVersion: "1", AutoCreate: true, BOM: smallBOM(1)})
	e := asError(t, err)
	if e.StatusCode != http.StatusUnauthorized || e.Permission != dtrack.PermProjectCreationUpload {
		t.Errorf("got %d %q, want 401 naming PROJECT_CREATION_UPLOAD", e.StatusCode, e.Permission)
	}
	mustContain(t, err.Error(), "PROJECT_CREATION_UPLOAD", "create")
}

func TestUploadProjectNotFoundSuggestsAutoCreate(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	c, _ := newClient(t, srv.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "nope", ProjectVersion: "1", BOM: smallBOM(1)})
	e := asError(t, err)
	if e.StatusCode != http.StatusNotFound || e.Message != "The project could not be found." {
		t.Errorf("got %d %q", e.StatusCode, e.Message)
	}
	if got := srv.Requests()[0]; got.Status != 404 {
		t.Errorf("server answered %d", got.Status)
	}
	mustContain(t, err.Error(), "--auto-create")
	if n := bomRequests(srv); n != 1 {
		t.Errorf("%d requests for a 404, want 1 (no retry on 4xx)", n)
	}
}

func TestUploadUnknownUUIDIs404(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	c, _ := newClient(t, srv.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectUUID: "0b7c2a3e-1111-4222-8333-444455556666", BOM: smallBOM(1)})
	if e := asError(t, err); e.StatusCode != 404 {
		t.Errorf("status %d, want 404", e.StatusCode)
	}
}

func TestUploadParentNotFound(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload, dtracktest.PortfolioManagement)
	c, _ := newClient(t, srv.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "svc", ProjectVersion: "1", AutoCreate: true,
		ParentName: "ghost", ParentVersion: "9", BOM: smallBOM(1)})
	e := asError(t, err)
	if e.StatusCode != 404 {
		t.Fatalf("status %d, want 404", e.StatusCode)
	}
	mustContain(t, err.Error(), "parent component could not be found", "--parent")
	if strings.Contains(err.Error(), "--auto-create") {
		t.Error("a missing parent should not suggest --auto-create")
	}
}

func TestUploadMissingKeyIs401(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	c, _ := newClient(t, srv.URL, otherKey) // not registered
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "a", ProjectVersion: "1", BOM: smallBOM(1)})
	e := asError(t, err)
	if e.StatusCode != 401 || e.Permission != "" {
		t.Errorf("got %d %q, want 401", e.StatusCode, e.Permission)
	}
	mustContain(t, err.Error(), "missing or not valid", "DEPAUDIT_DTRACK_API_KEY")
	if n := bomRequests(srv); n != 1 {
		t.Errorf("%d requests, want 1 (no retry on 401)", n)
	}
}

func TestForbiddenNamesThePermission(t *testing.T) {
	srv := newFake(t) // a valid key without any permission
	id := srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	c, _ := newClient(t, srv.URL, testKey)
	ctx := context.Background()

	_, err := c.Upload(ctx, dtrack.UploadRequest{ProjectUUID: id, BOM: smallBOM(1)})
	if e := asError(t, err); e.StatusCode != 403 || e.Permission != "BOM_UPLOAD" {
		t.Errorf("upload: %d %q, want 403 BOM_UPLOAD", e.StatusCode, e.Permission)
	}
	mustContain(t, err.Error(), "BOM_UPLOAD", "Teams")

	_, err = c.Findings(ctx, id)
	if e := asError(t, err); e.StatusCode != 403 || e.Permission != "VIEW_VULNERABILITY" {
		t.Errorf("findings: %d %q, want 403 VIEW_VULNERABILITY", e.StatusCode, e.Permission)
	}
	mustContain(t, err.Error(), "VIEW_VULNERABILITY")

	_, err = c.LookupProject(ctx, "web", "1")
	if e := asError(t, err); e.StatusCode != 403 || e.Permission != "VIEW_PORTFOLIO" {
		t.Errorf("lookup: %d %q, want 403 VIEW_PORTFOLIO", e.StatusCode, e.Permission)
	}
	if n := len(srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3 (no retry on 403)", n)
	}
}

func TestProjectACLForbidden(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	id := srv.AddProject(dtracktest.Project{Name: "secret", Version: "1", Forbidden: true})
	c, _ := newClient(t, srv.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectUUID: id, BOM: smallBOM(1)})
	e := asError(t, err)
	if e.StatusCode != 403 || e.Permission != "" {
		t.Errorf("got %d %q, want 403 without a permission name", e.StatusCode, e.Permission)
	}
	mustContain(t, err.Error(), "Access to the specified project is forbidden", "access")
}

func TestCollectionProject(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	id := srv.AddProject(dtracktest.Project{Name: "all", Version: "1", Collection: true})
	c, _ := newClient(t, srv.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectUUID: id, BOM: smallBOM(1)})
	if e := asError(t, err); e.StatusCode != 400 {
		t.Errorf("status %d", e.StatusCode)
	}
	mustContain(t, err.Error(), "collection project", "child project")
}

func TestSchemaErrorsAreShown(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	c, _ := newClient(t, srv.URL, testKey)
	bad := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"gadget","name":"x"},{"type":"library"}]}`)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: bad})
	e := asError(t, err)
	if e.StatusCode != 400 || e.Problem == nil || len(e.Problem.Errors) != 2 {
		t.Fatalf("got %d problem=%+v", e.StatusCode, e.Problem)
	}
	mustContain(t, err.Error(), "The uploaded BOM is invalid", "Schema validation failed",
		"$.components[0].type: does not have a value in the enumeration", "$.components[1].name: is missing")
	if n := bomRequests(srv); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

// Beyond the fields the server names itself, the fake validates the whole
// official schema: a dependency without its ref is refused.
func TestSchemaValidatesDependencies(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	c, _ := newClient(t, srv.URL, testKey)
	good := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"x","bom-ref":"x"}],"dependencies":[{"ref":"x","dependsOn":[]}]}`)
	if _, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: good}); err != nil {
		t.Fatalf("valid BOM refused: %v", err)
	}
	bad := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"x","bom-ref":"x"}],"dependencies":[{"dependsOn":["x"]}]}`)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: bad})
	if e := asError(t, err); e.StatusCode != 400 {
		t.Fatalf("status %d", e.StatusCode)
	}
	mustContain(t, err.Error(), "Schema validation failed", "ref")
}

func TestUnsupportedSpecVersionHint(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	c, _ := newClient(t, srv.URL, testKey)
	bom := []byte(`{"bomFormat":"CycloneDX","specVersion":"1.7","components":[]}`)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: bom})
	mustContain(t, asError(t, err).Error(), "Unrecognized specVersion 1.7", "--spec-version 1.6")
}

func TestValidationArrayIsShown(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.Inject(dtracktest.Fault{Status: 400, ContentType: "application/json",
		Body: `[{"message":"The project must be a valid 36 character UUID","messageTemplate":"x","path":"project","invalidValue":"NOT-A-UUID"}]`}, 1)
	c, _ := newClient(t, srv.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "a", ProjectVersion: "1", BOM: smallBOM(1)})
	e := asError(t, err)
	if len(e.Violations) != 1 {
		t.Fatalf("violations = %+v", e.Violations)
	}
	mustContain(t, err.Error(), "project: The project must be a valid 36 character UUID (got NOT-A-UUID)")
}

// The fake enforces the server's bean validation on PUT, which the client's
// own checks keep it from triggering: exercise it directly.
func TestFakeBeanValidationOrder(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	body := `{"project":"NOT-A-UUID","bom":"***"}`
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/api/v1/bom", strings.NewReader(body))
	req.Header.Set("X-Api-Key", testKey)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var vs []dtrack.Violation
	if err := json.NewDecoder(res.Body).Decode(&vs); err != nil || res.StatusCode != 400 {
		t.Fatalf("status %d, decode %v", res.StatusCode, err)
	}
	paths := []string{}
	for _, v := range vs {
		paths = append(paths, v.Path)
	}
	if strings.Join(paths, ",") != "project,bom" {
		t.Errorf("violations on %v, want project,bom", paths)
	}
}

func TestFakeRejectsOversizedPut(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	bom := bomOfSize(15_000_003) // base64: 20,000,004 characters
	b64 := base64.StdEncoding.EncodeToString(bom)
	body, _ := json.Marshal(map[string]string{"projectName": "web", "projectVersion": "1", "bom": b64})
	req, _ := http.NewRequest(http.MethodPut, srv.URL+"/api/v1/bom", bytes.NewReader(body))
	req.Header.Set("X-Api-Key", testKey)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p dtrack.Problem
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 400 || res.Header.Get("Content-Type") != "application/problem+json" || !strings.Contains(p.Detail, "too large") {
		t.Errorf("got %d %s %+v", res.StatusCode, res.Header.Get("Content-Type"), p)
	}
}

func TestUsesMultipartBoundary(t *testing.T) {
	// 15,000,000 bytes encode to exactly 20,000,000 base64 characters.
	if dtrack.UsesMultipart(15_000_000) {
		t.Error("15,000,000 bytes should still fit a PUT")
	}
	if !dtrack.UsesMultipart(15_000_001) {
		t.Error("15,000,001 bytes should go multipart")
	}
}

func TestLargeBOMGoesMultipart(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	c, _ := newClient(t, srv.URL, testKey)
	bom := bomOfSize(15_000_003)
	if base64.StdEncoding.EncodedLen(len(bom)) <= dtrack.MaxBase64Length {
		t.Fatal("test BOM too small")
	}
	res, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", Tags: []string{"a", "b"}, BOM: bom})
	if err != nil {
		t.Fatalf("Upload: %v", err)
	}
	if !res.Multipart {
		t.Error("result says PUT")
	}
	u := srv.Uploads()[0]
	if u.Method != http.MethodPost || !bytes.Equal(u.BOM, bom) {
		t.Errorf("server got %s with %d bytes, want POST with the %d BOM bytes", u.Method, len(u.BOM), len(bom))
	}
	if u.Fields["projectName"] != "web" || u.Fields["projectVersion"] != "1" || u.Fields["projectTags"] != "a,b" {
		t.Errorf("fields = %v", u.Fields)
	}
	r := srv.Requests()[0]
	if !strings.HasPrefix(r.ContentType, "multipart/form-data; boundary=") || r.ContentLength != res.BodyBytes {
		t.Errorf("request %+v, result body %d", r, res.BodyBytes)
	}
}

func TestXMLBOMMultipartPart(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	c, _ := newClient(t, srv.URL, testKey)
	bom := []byte(`<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1"><components/></bom>`)
	if _, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: bom, Multipart: true}); err != nil {
		t.Fatal(err)
	}
	if got := srv.Uploads()[0].BOM; !bytes.Equal(got, bom) {
		t.Errorf("server got %q", got)
	}
}

func TestProxy413(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	srv.SetBodyLimit(1000)
	c, sl := newClient(t, srv.URL, testKey)
	_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(20)})
	e := asError(t, err)
	if e.StatusCode != 413 || e.Message != "413 Request Entity Too Large" {
		t.Errorf("got %d %q", e.StatusCode, e.Message)
	}
	mustContain(t, err.Error(), "reverse proxy", "client_max_body_size", "multipart")
	if len(sl.got()) != 0 || bomRequests(srv) != 1 {
		t.Errorf("413 retried: waits %v", sl.got())
	}
}

func TestCheckRejectsBeforeSending(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	c, _ := newClient(t, srv.URL, testKey)
	for name, r := range map[string]dtrack.UploadRequest{
		"upper-case uuid": {ProjectUUID: "0B7C2A3E-1111-4222-8333-444455556666", BOM: smallBOM(1)},
		"no version":      {ProjectName: "a", BOM: smallBOM(1)},
		"no bom":          {ProjectName: "a", ProjectVersion: "1"},
		"half parent":     {ProjectName: "a", ProjectVersion: "1", ParentName: "p", BOM: smallBOM(1)},
		"comma tag":       {ProjectName: "a", ProjectVersion: "1", Tags: []string{"a,b"}, BOM: smallBOM(1)},
	} {
		if _, err := c.Upload(context.Background(), r); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid uploads", n)
	}
}
