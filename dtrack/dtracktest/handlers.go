package dtracktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) serve(rw http.ResponseWriter, r *http.Request) {
	w := &statusWriter{ResponseWriter: rw}
	s.mu.Lock()
	defer s.mu.Unlock()
	defer func() {
		st := w.status
		if st == 0 {
			st = http.StatusOK
		}
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"),
			ContentLength: r.ContentLength, APIKey: r.Header.Get("X-Api-Key"), Status: st})
	}()

	// A reverse proxy in front of the server.
	if s.bodyLimit > 0 && r.ContentLength > s.bodyLimit {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		io.WriteString(w, "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")
		return
	}
	if len(s.faults) > 0 {
		f := s.faults[0]
		s.faults = s.faults[1:]
		_, _ = io.Copy(io.Discard, r.Body)
		for k, vs := range f.Header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		if f.ContentType != "" {
			w.Header().Set("Content-Type", f.ContentType)
		}
		w.WriteHeader(f.Status)
		io.WriteString(w, f.Body)
		return
	}

	path := r.URL.Path
	switch {
	case path == "/api/v1/bom":
		switch r.Method {
		case http.MethodPut:
			s.putBOM(w, r)
		case http.MethodPost:
			s.postBOM(w, r)
		default:
			w.WriteHeader(http.StatusMethodNotAllowed)
		}
	case strings.HasPrefix(path, "/api/v1/event/token/") && r.Method == http.MethodGet:
		s.eventToken(w, r, strings.TrimPrefix(path, "/api/v1/event/token/"))
	case path == "/api/v1/project/lookup" && r.Method == http.MethodGet:
		s.lookup(w, r)
	case strings.HasPrefix(path, "/api/v1/finding/project/") && r.Method == http.MethodGet:
		s.projectFindings(w, r, strings.TrimPrefix(path, "/api/v1/finding/project/"))
	case strings.HasPrefix(path, "/api/v1/violation/project/") && r.Method == http.MethodGet:
		s.violations(w, r, strings.TrimPrefix(path, "/api/v1/violation/project/"))
	default:
		w.WriteHeader(http.StatusNotFound)
	}
}

// authorize answers 401 (unknown or missing key) or 403 (permission
// missing), both with an empty body, and reports whether to go on. An
// empty perm requires authentication only.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request, perm string) (map[string]bool, bool) {
	perms, ok := s.keys[r.Header.Get("X-Api-Key")]
	if !ok || r.Header.Get("X-Api-Key") == "" {
		w.WriteHeader(http.StatusUnauthorized)
		return nil, false
	}
	if perm != "" && !perms[perm] {
		w.WriteHeader(http.StatusForbidden)
		return nil, false
	}
	return perms, true
}

func text(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(status)
	io.WriteString(w, msg)
}

func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

type problem struct {
	Status int      `json:"status"`
	Title  string   `json:"title"`
	Detail string   `json:"detail"`
	Errors []string `json:"errors,omitempty"`
}

func problemJSON(w http.ResponseWriter, p problem) {
	p.Status = http.StatusBadRequest
	writeJSON(w, http.StatusBadRequest, "application/problem+json", p)
}

func (s *Server) eventToken(w http.ResponseWriter, r *http.Request, token string) {
	if _, ok := s.authorize(w, r, ""); !ok {
		return
	}
	if !uuidRE.MatchString(token) {
		text(w, http.StatusBadRequest, "Invalid UUID")
		return
	}
	s.polls[token]++
	busy := s.tokens[token] > 0
	if busy {
		s.tokens[token]--
	}
	writeJSON(w, http.StatusOK, "application/json", map[string]bool{"processing": busy})
}

type projectJSON struct {
	UUID    string `json:"uuid"`
	Name    string `json:"name"`
	Version string `json:"version"`
	Active  bool   `json:"active"`
	Latest  bool   `json:"isLatest"`
	Tags    []tag  `json:"tags"`
}

type tag struct {
	Name string `json:"name"`
}

func (s *Server) lookup(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authorize(w, r, ViewPortfolio); !ok {
		return
	}
	p := s.findLocked("", r.URL.Query().Get("name"), r.URL.Query().Get("version"))
	if p == nil {
		text(w, http.StatusNotFound, "The project could not be found.")
		return
	}
	if p.Forbidden {
		text(w, http.StatusForbidden, "Access to the specified project is forbidden")
		return
	}
	pj := projectJSON{UUID: p.UUID, Name: p.Name, Version: p.Version, Active: true, Latest: p.IsLatest, Tags: []tag{}}
	for _, t := range p.Tags {
		pj.Tags = append(pj.Tags, tag{Name: t})
	}
	writeJSON(w, http.StatusOK, "application/json", pj)
}

func (s *Server) projectFindings(w http.ResponseWriter, r *http.Request, uuid string) {
	if _, ok := s.authorize(w, r, ViewVulnerability); !ok {
		return
	}
	p := s.findLocked(uuid, "", "")
	if p == nil {
		text(w, http.StatusNotFound, "The project could not be found.")
		return
	}
	if p.Forbidden {
		text(w, http.StatusForbidden, "Access to the specified project is forbidden")
		return
	}
	withSuppressed := r.URL.Query().Get("suppressed") == "true"
	out := []map[string]any{}
	for i, f := range s.findings[uuid] {
		if f.Suppressed && !withSuppressed {
			continue
		}
		comp := map[string]any{"uuid": fmt.Sprintf("00000000-0000-4000-8000-%012d", i), "name": f.ComponentName,
			"version": f.ComponentVersion, "purl": f.PURL, "project": uuid}
		vuln := map[string]any{"uuid": fmt.Sprintf("00000000-0000-4000-9000-%012d", i), "source": "NVD", "vulnId": f.VulnID,
			"severity": f.Severity, "severityRank": severityRank(f.Severity), "aliases": []any{}, "cwes": []any{}}
		out = append(out, map[string]any{
			"component":     comp,
			"vulnerability": vuln,
			"analysis":      map[string]any{"isSuppressed": f.Suppressed},
			"attribution":   map[string]any{"analyzerIdentity": "INTERNAL_ANALYZER"},
			"matrix":        uuid + ":" + comp["uuid"].(string) + ":" + vuln["uuid"].(string),
		})
	}
	w.Header().Set("X-Total-Count", strconv.Itoa(len(out)))
	writeJSON(w, http.StatusOK, "application/json", out)
}

func severityRank(s string) int {
	switch s {
	case "CRITICAL":
		return 0
	case "HIGH":
		return 1
	case "MEDIUM":
		return 2
	case "LOW":
		return 3
	case "INFO":
		return 4
	}
	return 5
}

func (s *Server) violations(w http.ResponseWriter, r *http.Request, uuid string) {
	if _, ok := s.authorize(w, r, ViewPolicyViolation); !ok {
		return
	}
	if s.findLocked(uuid, "", "") == nil {
		text(w, http.StatusNotFound, "The project could not be found.")
		return
	}
	w.Header().Set("X-Total-Count", "0")
	writeJSON(w, http.StatusOK, "application/json", []any{})
}
