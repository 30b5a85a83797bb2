package dtrack

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
)

// MaxBase64Length is the longest base64 "bom" value Dependency-Track accepts
// in a PUT /api/v1/bom JSON body (Jackson's default string-length limit).
// BOMs whose base64 form is longer go as multipart POST.
const MaxBase64Length = 20_000_000

// UploadRequest is what to upload where.
type UploadRequest struct {
	// ProjectUUID names an existing project. When set, the name, version,
	// AutoCreate, parent and IsLatest are ignored by the server.
	ProjectUUID string
	// ProjectName and ProjectVersion name the project when ProjectUUID is
	// empty.
	ProjectName    string
	ProjectVersion string
	// AutoCreate creates the project when it does not exist (the key then
	// needs PROJECT_CREATION_UPLOAD or PORTFOLIO_MANAGEMENT).
	AutoCreate bool
	// ParentUUID, or ParentName with ParentVersion, is the parent of an
	// auto-created project.
	ParentUUID    string
	ParentName    string
	ParentVersion string
	// IsLatest marks an auto-created project as its name's latest version.
	IsLatest bool
	// Tags are set on an auto-created project.
	Tags []string
	// BOM is the CycloneDX document, JSON or XML, sent unchanged.
	BOM []byte
	// Multipart forces a multipart POST even for a BOM that fits a PUT.
	Multipart bool
}

// UploadResult is the server's acceptance of a BOM.
type UploadResult struct {
	// Token identifies the asynchronous processing of the BOM.
	Token string `json:"token"`
	// ProjectUUID is the project's UUID when the server reports it
	// (Dependency-Track 5); empty otherwise.
	ProjectUUID string `json:"projectUuid,omitempty"`
	// Multipart tells whether the BOM went as multipart POST (else PUT).
	Multipart bool `json:"-"`
	// BodyBytes is the size of the request body sent.
	BodyBytes int64 `json:"-"`
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// IsUUID reports whether s is a UUID in the canonical lower-case form the
// server requires.
func IsUUID(s string) bool { return uuidRE.MatchString(s) }

// UsesMultipart reports whether a BOM of n bytes is too large for PUT: its
// base64 form would exceed MaxBase64Length.
func UsesMultipart(n int) bool { return base64.StdEncoding.EncodedLen(n) > MaxBase64Length }

// Check reports a request that the server would reject or silently
// misread, before anything is sent.
func (r UploadRequest) Check() error {
	if len(r.BOM) == 0 {
		return errors.New("no BOM to upload")
	}
	if r.ProjectUUID != "" {
		if !IsUUID(r.ProjectUUID) {
			return fmt.Errorf("project %q is not a UUID in lower-case canonical form", r.ProjectUUID)
		}
	} else if strings.TrimSpace(r.ProjectName) == "" || strings.TrimSpace(r.ProjectVersion) == "" {
		return errors.New("name the project by UUID, or by name and version")
	}
	if r.ParentUUID != "" && !IsUUID(r.ParentUUID) {
		return fmt.Errorf("parent %q is not a UUID in lower-case canonical form", r.ParentUUID)
	}
	if (r.ParentName == "") != (r.ParentVersion == "") {
		return errors.New("a parent needs both a name and a version")
	}
	for _, t := range r.Tags {
		if strings.TrimSpace(t) == "" || strings.Contains(t, ",") {
			return fmt.Errorf("tag %q: tags must be non-empty and contain no comma", t)
		}
	}
	return nil
}

// Upload sends the BOM: PUT with a base64 JSON body when it fits the
// server's limit, multipart POST otherwise (or when r.Multipart is set).
// It returns once the server has accepted the BOM; processing continues
// asynchronously (see WaitProcessed).
func (c *Client) Upload(ctx context.Context, r UploadRequest) (UploadResult, error) {
	if err := r.Check(); err != nil {
		return UploadResult{}, fmt.Errorf("%s: %w", OpUpload, err)
	}
	var req request
	if r.Multipart || UsesMultipart(len(r.BOM)) {
		req = multipartRequest(r)
	} else {
		var err error
		if req, err = putRequest(r); err != nil {
			return UploadResult{}, fmt.Errorf("%s: %w", OpUpload, err)
		}
	}
	var res UploadResult
	if _, err := c.do(ctx, req, &res); err != nil {
		return UploadResult{}, err
	}
	res.Multipart = req.method == http.MethodPost
	_, res.BodyBytes = req.body()
	if !IsUUID(res.Token) {
		return UploadResult{}, &Error{Op: OpUpload, URL: c.base.String() + req.path,
			Summary: fmt.Sprintf("the server accepted the BOM but returned no valid token (%q)", shorten(c.scrub(res.Token), 60)),
			Hint:    "check that --url points at Dependency-Track's API server"}
	}
	if res.ProjectUUID != "" && !IsUUID(res.ProjectUUID) {
		res.ProjectUUID = ""
	}
	return res, nil
}

type tag struct {
	Name string `json:"name"`
}

// putBody is the JSON of PUT /api/v1/bom (BomSubmitRequest); only fields
// with a value are sent.
type putBody struct {
	Project        string `json:"project,omitempty"`
	ProjectName    string `json:"projectName,omitempty"`
	ProjectVersion string `json:"projectVersion,omitempty"`
	AutoCreate     bool   `json:"autoCreate,omitempty"`
	ParentUUID     string `json:"parentUUID,omitempty"`
	ParentName     string `json:"parentName,omitempty"`
	ParentVersion  string `json:"parentVersion,omitempty"`
	IsLatest       bool   `json:"isLatest,omitempty"`
	ProjectTags    []tag  `json:"projectTags,omitempty"`
	BOM            string `json:"bom"`
}

func putRequest(r UploadRequest) (request, error) {
	b := putBody{
		Project:        r.ProjectUUID,
		ProjectName:    r.ProjectName,
		ProjectVersion: r.ProjectVersion,
		AutoCreate:     r.AutoCreate,
		ParentUUID:     r.ParentUUID,
		ParentName:     r.ParentName,
		ParentVersion:  r.ParentVersion,
		IsLatest:       r.IsLatest,
		BOM:            base64.StdEncoding.EncodeToString(r.BOM),
	}
	for _, t := range r.Tags {
		b.ProjectTags = append(b.ProjectTags, tag{Name: t})
	}
	data, err := json.Marshal(b)
	if err != nil {
		return request{}, fmt.Errorf("encode request: %w", err)
	}
	return request{
		op: OpUpload, method: http.MethodPut, path: "/api/v1/bom", contentType: "application/json",
		body: func() (io.Reader, int64) { return bytes.NewReader(data), int64(len(data)) },
	}, nil
}

// multipartRequest builds the form of POST /api/v1/bom. The BOM bytes are
// not copied: the body is the form's head, the BOM and the closing boundary.
func multipartRequest(r UploadRequest) request {
	var head bytes.Buffer
	w := multipart.NewWriter(&head)
	field := func(name, value string) {
		if value != "" {
			_ = w.WriteField(name, value) // writes to a bytes.Buffer cannot fail
		}
	}
	field("project", r.ProjectUUID)
	field("projectName", r.ProjectName)
	field("projectVersion", r.ProjectVersion)
	if r.AutoCreate {
		field("autoCreate", "true")
	}
	field("parentUUID", r.ParentUUID)
	field("parentName", r.ParentName)
	field("parentVersion", r.ParentVersion)
	if r.IsLatest {
		field("isLatest", strconv.FormatBool(true))
	}
	field("projectTags", strings.Join(r.Tags, ","))
	info, _ := DetectBOM(r.BOM) // JSON unless it is recognisably XML
	name, ctype := "bom.json", info.ContentType()
	if info.Format == FormatXML {
		name = "bom.xml"
	}
	h := make(textproto.MIMEHeader)
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="bom"; filename=%q`, name))
	h.Set("Content-Type", ctype)
	_, _ = w.CreatePart(h)
	split := head.Len()
	_ = w.Close()
	all := head.Bytes()
	prefix, suffix := all[:split], all[split:]
	size := int64(len(prefix) + len(r.BOM) + len(suffix))
	return request{
		op: OpUpload, method: http.MethodPost, path: "/api/v1/bom", contentType: w.FormDataContentType(),
		body: func() (io.Reader, int64) {
			return io.MultiReader(bytes.NewReader(prefix), bytes.NewReader(r.BOM), bytes.NewReader(suffix)), size
		},
	}
}
