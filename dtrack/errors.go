package dtrack

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// Dependency-Track permissions named in errors.
const (
	PermBOMUpload             = "BOM_UPLOAD"
	PermProjectCreationUpload = "PROJECT_CREATION_UPLOAD"
	PermPortfolioManagement   = "PORTFOLIO_MANAGEMENT"
	PermViewPortfolio         = "VIEW_PORTFOLIO"
	PermViewVulnerability     = "VIEW_VULNERABILITY"
)

// Operations named in errors.
const (
	OpUpload   = "upload BOM"
	OpPoll     = "check BOM processing"
	OpLookup   = "look up project"
	OpFindings = "fetch findings"
)

// Error is a failed Dependency-Track call. Its message says what happened
// and what to do; its fields let callers react programmatically. No field
// ever holds the API key.
type Error struct {
	// Op is the operation, one of the Op constants.
	Op string
	// URL is the request URL without query or credentials.
	URL string
	// StatusCode is the HTTP status, 0 when no response arrived.
	StatusCode int
	// Message is the server's plain-text answer, if any (trimmed, shortened).
	Message string
	// Problem is the server's application/problem+json answer, if any.
	Problem *Problem
	// Violations are the server's bean-validation errors (400 with a JSON
	// array), if any.
	Violations []Violation
	// Permission is the Dependency-Track permission the key lacks, when the
	// answer identifies one.
	Permission string
	// Summary says what went wrong, in one line.
	Summary string
	// Hint says what to do about it.
	Hint string
	// Attempts is the number of requests made, retries included.
	Attempts int
	// Err is the underlying network or TLS error, if any.
	Err error
}

// Problem is an RFC 9457 problem document as Dependency-Track sends it.
type Problem struct {
	Status int      `json:"status"`
	Title  string   `json:"title"`
	Detail string   `json:"detail"`
	Errors []string `json:"errors,omitempty"`
}

// Violation is one Jersey bean-validation error.
type Violation struct {
	Message      string `json:"message"`
	Path         string `json:"path"`
	InvalidValue any    `json:"invalidValue"`
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.URL != "" {
		b.WriteString(" (" + e.URL + ")")
	}
	b.WriteString(": ")
	summary := e.Summary
	if e.Hint != "" && e.Problem == nil && len(e.Violations) == 0 {
		summary = strings.TrimRight(summary, ".")
	}
	b.WriteString(summary)
	if e.Problem != nil {
		for _, d := range listProblem(e.Problem) {
			b.WriteString("\n  " + d)
		}
	}
	for _, v := range e.Violations {
		b.WriteString("\n  " + describeViolation(v))
	}
	if e.Hint != "" {
		if e.Problem != nil || len(e.Violations) > 0 {
			b.WriteString("\n")
		} else {
			b.WriteString(": ")
		}
		b.WriteString(e.Hint)
	}
	return b.String()
}

// Unwrap returns the underlying network error.
func (e *Error) Unwrap() error { return e.Err }

const maxListed = 20

func listProblem(p *Problem) []string {
	var out []string
	for i, s := range p.Errors {
		if i == maxListed {
			out = append(out, fmt.Sprintf("… and %d more", len(p.Errors)-maxListed))
			break
		}
		out = append(out, s)
	}
	return out
}

func describeViolation(v Violation) string {
	s := v.Message
	if v.Path != "" {
		s = v.Path + ": " + s
	}
	if v.InvalidValue != nil {
		s += fmt.Sprintf(" (got %s)", shorten(fmt.Sprint(v.InvalidValue), 60))
	}
	return s
}

func shorten(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// retryable reports whether a response status is worth retrying: 5xx only.
func retryable(status int) bool { return status >= 500 && status <= 599 }

// describeNetError fills Summary, Hint and the retry decision for a request
// that got no response.
func describeNetError(e *Error, base string, err error) (retry bool) {
	var (
		unknownCA   x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidCert x509.CertificateInvalidError
		recordErr   tls.RecordHeaderError
		certVerify  *tls.CertificateVerificationError
		dnsErr      *net.DNSError
	)
	switch {
	case errors.As(err, &unknownCA):
		e.Summary = "TLS error: the server's certificate is signed by an authority this machine does not trust"
		e.Hint = "if Dependency-Track uses a private CA, add it to this machine's trust store or (on Linux) point SSL_CERT_FILE at a PEM bundle that contains it"
	case errors.As(err, &hostErr):
		e.Summary = "TLS error: the server's certificate is not valid for this host name (" + shorten(hostErr.Error(), 200) + ")"
		e.Hint = "use a host name the certificate names in --url / DEPAUDIT_DTRACK_URL"
	case errors.As(err, &invalidCert):
		e.Summary = "TLS error: the server's certificate is not valid (" + shorten(invalidCert.Error(), 200) + ")"
		e.Hint = "check the server's certificate (expiry, chain) and this machine's clock"
	case errors.As(err, &recordErr) || errors.Is(err, http.ErrSchemeMismatch):
		e.Summary = "TLS error: the server does not speak TLS on this port"
		e.Hint = "use an http:// URL in --url / DEPAUDIT_DTRACK_URL, or the server's HTTPS port"
	case errors.As(err, &certVerify):
		e.Summary = "TLS error: the server's certificate could not be verified (" + shorten(certVerify.Error(), 200) + ")"
		e.Hint = "check the server's certificate; for a private CA set SSL_CERT_FILE"
	case errors.Is(err, syscall.ECONNREFUSED):
		e.Summary = "connection refused: nothing listens at " + base
		e.Hint = "check --url / DEPAUDIT_DTRACK_URL (the API server's address, e.g. http://dtrack.example.com:8081) and that Dependency-Track is running"
		retry = true
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		e.Summary = "unknown host " + dnsErr.Name
		e.Hint = "check the host name in --url / DEPAUDIT_DTRACK_URL"
	default:
		var tlsAlert tls.AlertError
		if errors.As(err, &tlsAlert) {
			e.Summary = "TLS error: the server refused the handshake (" + tlsAlert.Error() + ")"
			e.Hint = "check the server's TLS settings (client certificate, protocol versions)"
			break
		}
		e.Summary = "network error: " + shorten(netMessage(err), 300)
		e.Hint = "check the network path to " + base + " (proxy settings, firewall) and try again"
		retry = true
	}
	return retry
}

// netMessage returns the text of a transport error without the request URL
// that *url.Error prepends.
func netMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}

// describeStatus fills Summary, Hint and Permission for an HTTP error answer.
func describeStatus(e *Error, method string, location string) {
	status := fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	msg := e.Message
	switch {
	case e.StatusCode == http.StatusUnauthorized && strings.Contains(msg, "permission to create project"):
		e.Permission = PermProjectCreationUpload
		e.Summary = status + ": the project does not exist and the API key may not create projects"
		e.Hint = "give the key's team the PROJECT_CREATION_UPLOAD permission (or PORTFOLIO_MANAGEMENT) in Administration → Access Management → Teams, or create the project first"
	case e.StatusCode == http.StatusUnauthorized:
		e.Summary = status + ": the API key is missing or not valid"
		e.Hint = "set DEPAUDIT_DTRACK_API_KEY to a current key from Administration → Access Management → Teams → API Keys (check that it was not regenerated or revoked, and that it belongs to this server)"
	case e.StatusCode == http.StatusForbidden && msg == "":
		e.Permission = permissionFor(e.Op)
		e.Summary = status + ": the API key's team lacks the " + e.Permission + " permission"
		e.Hint = "add " + e.Permission + " to the team in Administration → Access Management → Teams"
		if e.Op == OpLookup {
			e.Hint += ", or give --project as the project's UUID, which needs no lookup"
		}
	case e.StatusCode == http.StatusForbidden && strings.Contains(msg, "parent"):
		e.Summary = status + ": " + msg
		e.Hint = "grant the key's team access to the parent project (portfolio access control), or choose another --parent"
	case e.StatusCode == http.StatusForbidden && strings.Contains(strings.ToLower(msg), "latest"):
		e.Summary = status + ": " + msg
		e.Hint = "grant the key's team access to the project's current latest version, or drop --latest"
	case e.StatusCode == http.StatusForbidden:
		e.Summary = status + ": " + msg
		e.Hint = "grant the key's team access to this project (portfolio access control is on), or use a key of a team that has it"
	case e.StatusCode == http.StatusNotFound && e.Op == OpPoll:
		e.Summary = status + ": the server has no event token endpoint"
		e.Hint = "Dependency-Track 4.11 or later is needed to wait for processing; upgrade it or upload without --wait"
	case e.StatusCode == http.StatusNotFound && strings.Contains(msg, "parent"):
		e.Summary = status + ": " + msg
		e.Hint = "check --parent NAME@VERSION: the parent project must exist"
	case e.StatusCode == http.StatusNotFound && strings.Contains(msg, "project could not be found") && e.Op == OpUpload:
		e.Summary = status + ": " + msg
		e.Hint = "check --project / --project-version, or add --auto-create to create the project (the key then also needs PROJECT_CREATION_UPLOAD)"
	case e.StatusCode == http.StatusNotFound && strings.Contains(msg, "project could not be found"):
		e.Summary = status + ": " + msg
		e.Hint = "check the project name and version; the upload was accepted, so the project may have been renamed or deleted meanwhile"
	case e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusMethodNotAllowed:
		e.Summary = status + ": this does not look like Dependency-Track's API server"
		e.Hint = "set --url / DEPAUDIT_DTRACK_URL to the API server's base URL (the address that serves /api/v1, without /api)"
	case e.StatusCode == http.StatusRequestEntityTooLarge:
		e.Summary = status + ": a reverse proxy in front of Dependency-Track refused the request body (Dependency-Track itself sets no such limit)"
		if method == http.MethodPut {
			e.Hint = "raise the proxy's request-body limit (nginx: client_max_body_size, e.g. 100m); a multipart upload (used automatically above 20,000,000 base64 characters) sends about a quarter fewer bytes"
		} else {
			e.Hint = "raise the proxy's request-body limit (nginx: client_max_body_size, e.g. 100m; the bundled frontend image sets it too)"
		}
	case e.StatusCode == http.StatusConflict:
		e.Summary = status + ": " + nonEmpty(msg, "conflict")
		e.Hint = "another upload created the same project at the same time; run the upload again"
	case e.StatusCode == http.StatusBadRequest && e.Problem != nil:
		e.Summary = status + ": " + problemSummary(e.Problem)
		e.Hint = problemHint(e.Problem)
	case e.StatusCode == http.StatusBadRequest && len(e.Violations) > 0:
		e.Summary = status + ": the server rejected the request's fields"
		e.Hint = "check --project (a lower-case UUID), --project-version, --parent and the BOM"
	case e.StatusCode == http.StatusBadRequest && strings.Contains(msg, "collection project"):
		e.Summary = status + ": " + msg
		e.Hint = "a collection project aggregates its children; upload to a child project instead (see --parent)"
	case e.StatusCode == http.StatusBadRequest && strings.Contains(msg, "HTTP request to an HTTPS server"):
		e.Summary = status + ": the server expects HTTPS"
		e.Hint = "use an https:// URL in --url / DEPAUDIT_DTRACK_URL"
	case e.StatusCode >= 300 && e.StatusCode < 400:
		e.Summary = status + ": the server redirects to " + nonEmpty(redactURLString(location), "another address")
		e.Hint = "set --url / DEPAUDIT_DTRACK_URL to the address redirected to (redirects are not followed, so that the API key goes only where you said)"
	case retryable(e.StatusCode):
		e.Summary = status + nonEmptyPrefix(": ", msg)
		e.Hint = "Dependency-Track (or a proxy in front of it) is failing or still starting; try again later and check the server's log"
	default:
		e.Summary = status + nonEmptyPrefix(": ", msg)
		e.Hint = "check the server's log for the reason"
	}
}

func permissionFor(op string) string {
	switch op {
	case OpLookup:
		return PermViewPortfolio
	case OpFindings:
		return PermViewVulnerability
	default:
		return PermBOMUpload
	}
}

func problemSummary(p *Problem) string {
	s := p.Title
	if p.Detail != "" {
		if s != "" {
			s += ": "
		}
		s += shorten(p.Detail, 400)
	}
	return nonEmpty(s, "the request was rejected")
}

func problemHint(p *Problem) string {
	switch {
	case strings.Contains(p.Detail, "too large to be transmitted") || strings.Contains(p.Detail, "multipart"):
		return "the BOM is too large for a JSON upload; a multipart upload is used automatically above 20,000,000 base64 characters, so the server's limit is lower: report this with the BOM's size"
	case strings.Contains(p.Detail, "Unrecognized specVersion") || strings.Contains(p.Detail, "not supported for specVersion"):
		return "the server does not accept this CycloneDX spec version; write the BOM as 1.6 (--spec-version 1.6) or upgrade Dependency-Track"
	case len(p.Errors) > 0 || strings.Contains(p.Detail, "Schema validation"):
		return "the BOM does not validate against the CycloneDX schema: fix the fields listed above, or regenerate the BOM (an administrator can also relax BOM validation under Administration → Configuration → BOM Formats)"
	case strings.Contains(p.Title, "could not be mapped"):
		return "the request body was not the JSON the server expects; check that --url points at Dependency-Track"
	default:
		return "fix the BOM and upload it again"
	}
}

func nonEmpty(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func nonEmptyPrefix(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}
