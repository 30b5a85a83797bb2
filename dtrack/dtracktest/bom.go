package dtracktest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"

	"github.com/depaudit/depaudit/internal/formatcheck"
)

var base64RE = regexp.MustCompile(`^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`)

// submission is one BOM upload, from either endpoint.
type submission struct {
	method                                string
	project, name, version                string
	autoCreate, isLatest                  bool
	parentUUID, parentName, parentVersion string
	tags                                  []string
	bom                                   []byte
}

func (sub submission) fields() map[string]string {
	m := map[string]string{}
	set := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	set("project", sub.project)
	set("projectName", sub.name)
	set("projectVersion", sub.version)
	if sub.autoCreate {
		m["autoCreate"] = "true"
	}
	if sub.isLatest {
		m["isLatest"] = "true"
	}
	set("parentUUID", sub.parentUUID)
	set("parentName", sub.parentName)
	set("parentVersion", sub.parentVersion)
	set("projectTags", strings.Join(sub.tags, ","))
	return m
}

type violation struct {
	Message         string `json:"message"`
	MessageTemplate string `json:"messageTemplate"`
	Path            string `json:"path"`
	InvalidValue    any    `json:"invalidValue"`
}

// putBOM is PUT /api/v1/bom (BomResource.uploadBom).
func (s *Server) putBOM(w http.ResponseWriter, r *http.Request) {
	perms, ok := s.authorize(w, r, BOMUpload)
	if !ok {
		return
	}
	var body struct {
		Project                *string         `json:"project"`
		ProjectName            *string         `json:"projectName"`
		ProjectVersion         *string         `json:"projectVersion"`
		AutoCreate             bool            `json:"autoCreate"`
		ParentUUID             *string         `json:"parentUUID"`
		ParentName             string          `json:"parentName"`
		ParentVersion          string          `json:"parentVersion"`
		IsLatest               bool            `json:"isLatest"`
		IsLatestProjectVersion bool            `json:"isLatestProjectVersion"`
		ProjectTags            json.RawMessage `json:"projectTags"`
		BOM                    *string         `json:"bom"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		problemJSON(w, problem{Title: "The provided JSON payload could not be mapped", Detail: err.Error()})
		return
	}
	tags, err := parseTags(body.ProjectTags)
	if err != nil {
		problemJSON(w, problem{Title: "The provided JSON payload could not be mapped", Detail: err.Error()})
		return
	}

	// 1. Bean validation.
	var vs []violation
	add := func(path, msg string, val any) {
		vs = append(vs, violation{Message: msg, MessageTemplate: msg, Path: path, InvalidValue: val})
	}
	if body.Project != nil && !uuidRE.MatchString(*body.Project) {
		add("project", "The project must be a valid 36 character UUID", *body.Project)
	}
	if body.Project == nil {
		if body.ProjectName == nil || strings.TrimSpace(*body.ProjectName) == "" {
			add("projectName", "must not be blank", body.ProjectName)
		}
		if body.ProjectVersion == nil || strings.TrimSpace(*body.ProjectVersion) == "" {
			add("projectVersion", "must not be blank", body.ProjectVersion)
		}
	}
	if body.ParentUUID != nil && !uuidRE.MatchString(*body.ParentUUID) {
		add("parentUUID", "The parent UUID must be a valid 36 character UUID", *body.ParentUUID)
	}
	if body.BOM == nil {
		add("bom", "must not be null", nil)
	} else if !base64RE.MatchString(*body.BOM) {
		add("bom", "The BOM must be Base64 encoded", *body.BOM)
	}
	if len(vs) > 0 {
		writeJSON(w, http.StatusBadRequest, "application/json", vs)
		return
	}
	// 2. Jackson's string-length limit.
	if len(*body.BOM) > MaxBase64Length {
		problemJSON(w, problem{Title: "The provided JSON payload could not be mapped",
			Detail: `The BOM is too large to be transmitted safely via Base64 encoded JSON value. Please use the "POST /api/v1/bom" endpoint with Content-Type "multipart/form-data" instead. Original cause: String value length (` +
				fmt.Sprint(len(*body.BOM)) + `) exceeds the maximum allowed (20000000, from StreamReadConstraints.getMaxStringLength())`})
		return
	}
	decoded, err := base64.StdEncoding.DecodeString(*body.BOM)
	if err != nil {
		add("bom", "The BOM must be Base64 encoded", "")
		writeJSON(w, http.StatusBadRequest, "application/json", vs)
		return
	}
	sub := submission{method: http.MethodPut, autoCreate: body.AutoCreate, isLatest: body.IsLatest || body.IsLatestProjectVersion,
		parentName: body.ParentName, parentVersion: body.ParentVersion, tags: tags, bom: decoded}
	if body.Project != nil {
		sub.project = *body.Project
	}
	if body.ProjectName != nil {
		sub.name = strings.TrimSpace(*body.ProjectName)
	}
	if body.ProjectVersion != nil {
		sub.version = strings.TrimSpace(*body.ProjectVersion)
	}
	if body.ParentUUID != nil {
		sub.parentUUID = *body.ParentUUID
	}
	s.accept(w, perms, sub)
}

// parseTags reads projectTags as [{"name":…}], ["…"] or "a,b".
func parseTags(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return splitTags(str), nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("projectTags: %w", err)
	}
	var out []string
	for _, it := range items {
		var t tag
		if json.Unmarshal(it, &t) == nil && t.Name != "" {
			out = append(out, t.Name)
			continue
		}
		if json.Unmarshal(it, &str) == nil {
			out = append(out, str)
			continue
		}
		return nil, fmt.Errorf("projectTags: cannot read %s", it)
	}
	return out, nil
}

// postBOM is POST /api/v1/bom with multipart/form-data; v4 applies no bean
// validation to the form fields.
func (s *Server) postBOM(w http.ResponseWriter, r *http.Request) {
	perms, ok := s.authorize(w, r, BOMUpload)
	if !ok {
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		text(w, http.StatusUnsupportedMediaType, "")
		return
	}
	sub := submission{method: http.MethodPost}
	haveBOM := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			text(w, http.StatusBadRequest, "malformed multipart body")
			return
		}
		data, err := io.ReadAll(part)
		if err != nil {
			text(w, http.StatusBadRequest, "malformed multipart body")
			return
		}
		v := string(data)
		switch part.FormName() {
		case "project":
			sub.project = v
		case "projectName":
			sub.name = strings.TrimSpace(v)
		case "projectVersion":
			sub.version = strings.TrimSpace(v)
		case "autoCreate":
			sub.autoCreate = v == "true"
		case "isLatest":
			sub.isLatest = v == "true"
		case "parentUUID":
			sub.parentUUID = v
		case "parentName":
			sub.parentName = v
		case "parentVersion":
			sub.parentVersion = v
		case "projectTags":
			sub.tags = splitTags(v)
		case "bom":
			if !haveBOM { // only the first bom part counts
				sub.bom, haveBOM = data, true
			}
		}
	}
	if !haveBOM {
		// v4 dereferences the missing part.
		text(w, http.StatusInternalServerError, "")
		return
	}
	s.accept(w, perms, sub)
}

// accept runs the checks shared by both endpoints, in the server's order,
// and records the upload.
func (s *Server) accept(w http.ResponseWriter, perms map[string]bool, sub submission) {
	// 3. The project.
	var p *Project
	if sub.project != "" {
		p = s.findLocked(sub.project, "", "")
	} else {
		p = s.findLocked("", sub.name, sub.version)
	}
	created := false
	if p == nil {
		if sub.project != "" || !sub.autoCreate {
			text(w, http.StatusNotFound, "The project could not be found.")
			return
		}
		// 4. Creation permission: 401, not 403.
		if !perms[ProjectCreationUpload] && !perms[PortfolioManagement] {
			text(w, http.StatusUnauthorized, "The principal does not have permission to create project.")
			return
		}
		// 5. The parent.
		var parent *Project
		if sub.parentUUID != "" {
			if parent = s.findLocked(sub.parentUUID, "", ""); parent == nil {
				text(w, http.StatusNotFound, "The parent component could not be found.")
				return
			}
		} else if sub.parentName != "" {
			if parent = s.findLocked("", sub.parentName, sub.parentVersion); parent == nil {
				text(w, http.StatusNotFound, "The parent component could not be found.")
				return
			}
		}
		if parent != nil && parent.Forbidden {
			text(w, http.StatusForbidden, "Access to the specified parent project is forbidden")
			return
		}
		p = &Project{UUID: newUUID(), Name: sub.name, Version: sub.version, Tags: sub.tags, IsLatest: sub.isLatest}
		if parent != nil {
			p.ParentUUID = parent.UUID
		}
		if sub.isLatest {
			for _, o := range s.projects {
				if o.Name == p.Name {
					o.IsLatest = false
				}
			}
		}
		s.projects = append(s.projects, p)
		created = true
	}
	// 6. Portfolio access control.
	if p.Forbidden {
		text(w, http.StatusForbidden, "Access to the specified project is forbidden")
		return
	}
	// 7. Collection projects.
	if p.Collection {
		text(w, http.StatusBadRequest, "BOM cannot be uploaded to collection project.")
		return
	}
	// 9. Schema validation.
	if pr, bad := validate(sub.bom); bad {
		problemJSON(w, pr)
		return
	}
	// Tags of an existing project change only with PORTFOLIO_MANAGEMENT.
	if !created && len(sub.tags) > 0 && perms[PortfolioManagement] {
		p.Tags = sub.tags
	}
	// 10. Accepted.
	token := newUUID()
	s.tokens[token] = s.processingPolls
	s.uploads = append(s.uploads, Upload{Method: sub.method, Fields: sub.fields(), BOM: sub.bom, ProjectUUID: p.UUID, Created: created, Token: token})
	writeJSON(w, http.StatusOK, "application/json", map[string]string{"token": token})
}

// componentTypes is the CycloneDX 1.6 component type enumeration.
var componentTypes = map[string]bool{"application": true, "framework": true, "library": true, "container": true,
	"platform": true, "operating-system": true, "device": true, "device-driver": true, "firmware": true, "file": true,
	"machine-learning-model": true, "data": true, "cryptographic-asset": true}

// validate stands in for CycloneDxValidator: it recognises JSON or XML,
// checks the spec version as v4.14 does, the component type enumeration
// and required names (with the server's messages), then validates JSON of
// spec versions 1.5 and 1.6 against the official schema.
func validate(bom []byte) (problem, bool) {
	bom = bytes.TrimPrefix(bom, []byte("\xef\xbb\xbf"))
	invalid := func(detail string, errs ...string) (problem, bool) {
		return problem{Title: "The uploaded BOM is invalid", Detail: detail, Errors: errs}, true
	}
	var doc struct {
		SpecVersion *string `json:"specVersion"`
		BOMFormat   string  `json:"bomFormat"`
		Components  []struct {
			Type *string `json:"type"`
			Name *string `json:"name"`
		} `json:"components"`
	}
	if err := json.Unmarshal(bom, &doc); err != nil {
		if !isXML(bom) {
			return invalid("BOM is neither valid JSON nor XML")
		}
		return problem{}, false
	}
	if doc.SpecVersion == nil {
		return invalid("Unable to determine schema version from JSON")
	}
	switch *doc.SpecVersion {
	case "1.0", "1.1":
		return invalid("JSON is not supported for specVersion " + *doc.SpecVersion)
	case "1.2", "1.3", "1.4", "1.5", "1.6":
	default:
		return invalid("Unrecognized specVersion " + *doc.SpecVersion)
	}
	var errs []string
	if doc.BOMFormat != "CycloneDX" {
		errs = append(errs, `$.bomFormat: does not have a value in the enumeration ["CycloneDX"]`)
	}
	for i, c := range doc.Components {
		if c.Type == nil {
			errs = append(errs, fmt.Sprintf("$.components[%d].type: is missing but it is required", i))
		} else if !componentTypes[*c.Type] {
			errs = append(errs, fmt.Sprintf("$.components[%d].type: does not have a value in the enumeration [application, framework, library, container, platform, operating-system, device, device-driver, firmware, file, machine-learning-model, data, cryptographic-asset]", i))
		}
		if c.Name == nil {
			errs = append(errs, fmt.Sprintf("$.components[%d].name: is missing but it is required", i))
		}
	}
	if len(errs) > 0 {
		return invalid("Schema validation failed", errs...)
	}
	// Then the whole official schema of the spec version, as the server's
	// validator does, where the repository holds it.
	if err := formatcheck.CycloneDX(bom, *doc.SpecVersion); err != nil && !errors.Is(err, formatcheck.ErrNoCycloneDXSchema) {
		return invalid("Schema validation failed", err.Error())
	}
	return problem{}, false
}

func isXML(data []byte) bool {
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if start, ok := tok.(xml.StartElement); ok {
			return start.Name.Local == "bom" && strings.HasPrefix(start.Name.Space, "http://cyclonedx.org/schema/bom/")
		}
	}
}
