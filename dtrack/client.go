package dtrack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config configures a Client.
type Config struct {
	// BaseURL is the API server's base URL, e.g. https://dtrack.example.com
	// (the address that serves /api/v1). It must not carry credentials.
	BaseURL string
	// APIKey is sent in the X-Api-Key header. It is required.
	APIKey string
	// HTTPClient sends the requests; nil means a client that honours the
	// proxy environment variables and never follows redirects.
	HTTPClient *http.Client
	// UserAgent is sent in the User-Agent header; empty means "depaudit".
	UserAgent string
	// Retry is the policy for 5xx answers and network errors; the zero
	// value means DefaultRetry().
	Retry Backoff
	// Poll is the backoff between polls of an event token; the zero value
	// means DefaultPoll().
	Poll Backoff
	// Sleep waits between attempts and polls; nil means Sleep.
	Sleep SleepFunc
}

// Client talks to one Dependency-Track API server. It is safe for
// concurrent use.
type Client struct {
	base      *url.URL
	key       string
	http      *http.Client
	userAgent string
	retry     Backoff
	poll      Backoff
	sleep     SleepFunc
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	key := strings.TrimSpace(cfg.APIKey)
	if key == "" {
		return nil, errors.New("no Dependency-Track API key: set DEPAUDIT_DTRACK_API_KEY to a key of a team with the BOM_UPLOAD permission")
	}
	if strings.ContainsAny(key, "\r\n\x00") {
		return nil, errors.New("the Dependency-Track API key contains a line break or NUL byte: copy it again without them")
	}
	c := &Client{
		base:      base,
		key:       key,
		http:      cfg.HTTPClient,
		userAgent: cfg.UserAgent,
		retry:     cfg.Retry,
		poll:      cfg.Poll,
		sleep:     cfg.Sleep,
	}
	if c.http == nil {
		c.http = defaultHTTPClient()
	}
	if c.userAgent == "" {
		c.userAgent = "depaudit"
	}
	if c.retry == (Backoff{}) {
		c.retry = DefaultRetry()
	}
	if c.retry.Attempts < 1 {
		c.retry.Attempts = 1
	}
	if c.poll == (Backoff{}) {
		c.poll = DefaultPoll()
	}
	if c.sleep == nil {
		c.sleep = Sleep
	}
	return c, nil
}

// BaseURL returns the server's base URL as given (it holds no credentials).
func (c *Client) BaseURL() string { return c.base.String() }

func parseBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("no Dependency-Track URL: set DEPAUDIT_DTRACK_URL or --url to the API server's base URL, e.g. https://dtrack.example.com")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("Dependency-Track URL %q is not a URL: %w", redactURLString(raw), err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("Dependency-Track URL %q must start with http:// or https://", redactURLString(raw))
	}
	if u.Host == "" {
		return nil, fmt.Errorf("Dependency-Track URL %q has no host", redactURLString(raw))
	}
	if u.User != nil || u.RawQuery != "" {
		return nil, fmt.Errorf("Dependency-Track URL %q must not carry credentials or a query: put the key in DEPAUDIT_DTRACK_API_KEY", redactURLString(raw))
	}
	u.Fragment = ""
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// redactURLString drops userinfo, query and fragment from a URL for display.
func redactURLString(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	u.RawQuery = ""
	u.Fragment = ""
	return u.String()
}

func defaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return &http.Client{
		Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// request describes one API call; body, when set, is called again for every
// attempt.
type request struct {
	op          string
	method      string
	path        string
	query       url.Values
	contentType string
	body        func() (io.Reader, int64)
}

// maxErrorBody caps how much of an error answer is read.
const maxErrorBody = 1 << 20

// do sends r, retrying on 5xx answers and network errors, and decodes a 2xx
// JSON answer into out (when out is not nil).
func (c *Client) do(ctx context.Context, r request, out any) (*http.Response, error) {
	u := *c.base
	u.Path = c.base.Path + r.path
	if r.query != nil {
		u.RawQuery = r.query.Encode()
	}
	shown := c.base.String() + r.path
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		res, apiErr, retry := c.once(ctx, r, &u, shown, out)
		if apiErr == nil {
			return res, nil
		}
		apiErr.Attempts = attempt
		if !retry || attempt >= c.retry.Attempts {
			if retry && attempt > 1 {
				apiErr.Summary += fmt.Sprintf(" (%d attempts)", attempt)
			}
			return nil, apiErr
		}
		wait := c.retry.Wait(attempt)
		if ra := retryAfter(res); ra > 0 && (c.retry.Max == 0 || ra <= c.retry.Max) {
			wait = ra
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// once makes one attempt. It returns the response (body consumed and closed)
// or an *Error and whether trying again may help.
func (c *Client) once(ctx context.Context, r request, u *url.URL, shown string, out any) (*http.Response, *Error, bool) {
	var body io.Reader
	var length int64
	if r.body != nil {
		body, length = r.body()
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, &Error{Op: r.op, URL: shown, Summary: "cannot build request: " + c.scrub(err.Error())}, false
	}
	if r.body != nil {
		req.ContentLength = length
		req.Header.Set("Content-Type", r.contentType)
	}
	req.Header.Set("X-Api-Key", c.key)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	res, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &Error{Op: r.op, URL: shown, Summary: "cancelled", Err: ctx.Err()}, false
		}
		e := &Error{Op: r.op, URL: shown, Err: err}
		retry := describeNetError(e, c.base.String(), err)
		e.Summary = c.scrub(e.Summary)
		return nil, e, retry
	}
	defer res.Body.Close()
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		if out != nil {
			if err := json.NewDecoder(res.Body).Decode(out); err != nil {
				return nil, &Error{Op: r.op, URL: shown, StatusCode: res.StatusCode,
					Summary: "unexpected answer: " + c.scrub(err.Error()),
					Hint:    "check that --url points at Dependency-Track's API server"}, false
			}
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxErrorBody))
		return res, nil, false
	}
	data, _ := io.ReadAll(io.LimitReader(res.Body, maxErrorBody))
	e := &Error{Op: r.op, URL: shown, StatusCode: res.StatusCode}
	c.parseErrorBody(e, res.Header.Get("Content-Type"), data)
	describeStatus(e, r.method, res.Header.Get("Location"))
	e.Summary = c.scrub(e.Summary)
	e.Hint = c.scrub(e.Hint)
	return res, e, retryable(res.StatusCode)
}

// parseErrorBody reads Dependency-Track's three error shapes: problem+json,
// a JSON array of validation errors, and plain text.
func (c *Client) parseErrorBody(e *Error, contentType string, data []byte) {
	mt, _, _ := mime.ParseMediaType(contentType)
	trimmed := bytes.TrimSpace(data)
	switch {
	case mt == "application/problem+json" || (mt == "application/json" && bytes.HasPrefix(trimmed, []byte("{"))):
		var p Problem
		if json.Unmarshal(trimmed, &p) == nil && (p.Title != "" || p.Detail != "" || len(p.Errors) > 0) {
			p.Title = c.scrub(p.Title)
			p.Detail = c.scrub(p.Detail)
			for i := range p.Errors {
				p.Errors[i] = c.scrub(shorten(p.Errors[i], 500))
			}
			e.Problem = &p
			return
		}
	case bytes.HasPrefix(trimmed, []byte("[")):
		var vs []Violation
		if json.Unmarshal(trimmed, &vs) == nil && len(vs) > 0 {
			for i := range vs {
				vs[i].Message = c.scrub(vs[i].Message)
				vs[i].Path = c.scrub(vs[i].Path)
				if vs[i].InvalidValue != nil {
					vs[i].InvalidValue = c.scrub(shorten(fmt.Sprint(vs[i].InvalidValue), 60))
				}
			}
			e.Violations = vs
			return
		}
	}
	if mt == "text/html" || bytes.HasPrefix(trimmed, []byte("<")) {
		// A proxy's error page: its title is all that is worth showing.
		e.Message = c.scrub(htmlTitle(string(trimmed)))
		return
	}
	e.Message = c.scrub(shorten(string(trimmed), 300))
}

func htmlTitle(s string) string {
	lower := strings.ToLower(s)
	i := strings.Index(lower, "<title>")
	j := strings.Index(lower, "</title>")
	if i < 0 || j < i {
		return ""
	}
	return shorten(s[i+len("<title>"):j], 120)
}

// scrub removes the API key from text that came from elsewhere.
func (c *Client) scrub(s string) string {
	if c.key == "" {
		return s
	}
	return strings.ReplaceAll(s, c.key, "[REDACTED]")
}

// retryAfter reads a Retry-After header given in seconds.
func retryAfter(res *http.Response) time.Duration {
	if res == nil {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(res.Header.Get("Retry-After")))
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}
