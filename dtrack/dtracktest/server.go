// Package dtracktest provides a fake Dependency-Track API server for tests.
// It honours the v4 BOM upload contract: X-Api-Key authentication with a
// permission set per key (401 and 403 with empty bodies), the server's order
// of checks on PUT and multipart POST /api/v1/bom (bean validation as a JSON
// array, the 20,000,000-character base64 limit and schema errors as
// application/problem+json, text/plain 404 for unknown projects, 401 for
// auto-creation without permission), event tokens that stay "processing"
// for a set number of polls, project lookup, findings and violations. Faults
// (5xx, a proxy's 413) can be injected.
package dtracktest

import (
	"crypto/rand"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
)

// Permission names, as Dependency-Track spells them.
const (
	BOMUpload             = "BOM_UPLOAD"
	ProjectCreationUpload = "PROJECT_CREATION_UPLOAD"
	PortfolioManagement   = "PORTFOLIO_MANAGEMENT"
	ViewPortfolio         = "VIEW_PORTFOLIO"
	ViewVulnerability     = "VIEW_VULNERABILITY"
	ViewPolicyViolation   = "VIEW_POLICY_VIOLATION"
)

// MaxBase64Length is the server's limit on the "bom" string of a PUT.
const MaxBase64Length = 20_000_000

// Project is a project the server knows.
type Project struct {
	UUID    string
	Name    string
	Version string
	// ParentUUID is the parent project's UUID, if any.
	ParentUUID string
	Tags       []string
	IsLatest   bool
	// Collection projects refuse BOMs.
	Collection bool
	// Forbidden projects are hidden from every key by portfolio access
	// control.
	Forbidden bool
}

// Finding is a vulnerability the server reports for a project.
type Finding struct {
	ComponentName    string
	ComponentVersion string
	PURL             string
	VulnID           string
	// Severity is CRITICAL, HIGH, MEDIUM, LOW, INFO or UNASSIGNED.
	Severity   string
	Suppressed bool
}

// Upload is a BOM the server accepted.
type Upload struct {
	// Method is PUT or POST.
	Method string
	// Fields are the request's fields other than the BOM, as strings
	// (tags joined by commas).
	Fields map[string]string
	// BOM is the decoded document.
	BOM []byte
	// ProjectUUID is the project it went to.
	ProjectUUID string
	// Created tells whether the project was auto-created by this upload.
	Created bool
	Token   string
}

// Request is a request the server received.
type Request struct {
	Method        string
	Path          string
	ContentType   string
	ContentLength int64
	// APIKey is the X-Api-Key header value.
	APIKey string
	// Status is the status answered.
	Status int
}

// Fault is an answer served instead of the normal one.
type Fault struct {
	Status      int
	ContentType string
	Body        string
	// Header holds extra headers, e.g. Retry-After.
	Header http.Header
}

// Server is a fake Dependency-Track API server. Configure it before or
// between requests; all methods are safe for concurrent use.
type Server struct {
	*httptest.Server

	mu              sync.Mutex
	keys            map[string]map[string]bool
	projects        []*Project
	findings        map[string][]Finding
	tokens          map[string]int
	polls           map[string]int
	processingPolls int
	uploads         []Upload
	requests        []Request
	faults          []Fault
	bodyLimit       int64
}

// NewServer starts a fake server on loopback over HTTP.
func NewServer() *Server {
	s := newServer()
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// NewTLSServer starts a fake server on loopback over HTTPS, with
// httptest's self-signed certificate.
func NewTLSServer() *Server {
	s := newServer()
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// Handshake failures are what TLS tests provoke; keep them off the log.
	s.Server.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.Server.StartTLS()
	return s
}

func newServer() *Server {
	return &Server{
		keys:     map[string]map[string]bool{},
		findings: map[string][]Finding{},
		tokens:   map[string]int{},
		polls:    map[string]int{},
	}
}

// AddKey registers an API key with a set of permissions.
func (s *Server) AddKey(key string, permissions ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := map[string]bool{}
	for _, p := range permissions {
		set[p] = true
	}
	s.keys[key] = set
}

// AddProject registers a project and returns its UUID (generated when
// p.UUID is empty).
func (s *Server) AddProject(p Project) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.UUID == "" {
		p.UUID = newUUID()
	}
	s.projects = append(s.projects, &p)
	return p.UUID
}

// Projects returns a copy of the projects the server knows.
func (s *Server) Projects() []Project {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Project, len(s.projects))
	for i, p := range s.projects {
		out[i] = *p
	}
	return out
}

// SetFindings sets the findings of a project.
func (s *Server) SetFindings(projectUUID string, fs ...Finding) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.findings[projectUUID] = fs
}

// SetProcessingPolls makes every later upload's token report processing
// for n polls before reporting it done.
func (s *Server) SetProcessingPolls(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.processingPolls = n
}

// SetBodyLimit makes a reverse proxy in front of the server refuse request
// bodies larger than n bytes with 413 (0: no limit).
func (s *Server) SetBodyLimit(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bodyLimit = n
}

// Inject makes the next n requests (any route) get f instead of their
// answer. Injections queue up in order.
func (s *Server) Inject(f Fault, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, f)
	}
}

// Uploads returns the BOMs accepted so far.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

// Requests returns the requests received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Polls returns how many times a token was polled.
func (s *Server) Polls(token string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polls[token]
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// findLocked returns the project with that UUID, or name and version.
func (s *Server) findLocked(uuid, name, version string) *Project {
	for _, p := range s.projects {
		if uuid != "" && p.UUID == uuid {
			return p
		}
		if uuid == "" && p.Name == name && p.Version == version {
			return p
		}
	}
	return nil
}

func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}
