package dtrack_test

import (
	"context"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/dtrack"
	"github.com/depaudit/depaudit/dtrack/dtracktest"
)

func TestNewRejects(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg  dtrack.Config
		want string
	}{
		"no url":      {dtrack.Config{APIKey: testKey}, "DEPAUDIT_DTRACK_URL"},
		"no key":      {dtrack.Config{BaseURL: "http://dt"}, "DEPAUDIT_DTRACK_API_KEY"},
		"blank key":   {dtrack.Config{BaseURL: "http://dt", APIKey: "  \n"}, "DEPAUDIT_DTRACK_API_KEY"},
		"scheme":      {dtrack.Config{BaseURL: "dt.example.com", APIKey: testKey}, "http://"},
		"userinfo":    {dtrack.Config{BaseURL: "https://u:" + testKey + "@dt", APIKey: testKey}, "credentials"},
		"query":       {dtrack.Config{BaseURL: "https://dt/?apiKey=" + testKey, APIKey: testKey}, "credentials"},
		"newline key": {dtrack.Config{BaseURL: "http://dt", APIKey: "a\nb"}, "line break"},
	} {
		_, err := dtrack.New(tc.cfg)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		mustContain(t, err.Error(), tc.want)
		if strings.Contains(err.Error(), testKey) {
			t.Errorf("%s: error shows the key: %v", name, err)
		}
	}
}

func TestKeyTrimmedAndBasePathKept(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	c, _ := newClient(t, srv.URL+"/", " "+testKey+"\n")
	if _, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)}); err != nil {
		t.Fatal(err)
	}
	if r := srv.Requests()[0]; r.APIKey != testKey || r.Path != "/api/v1/bom" {
		t.Errorf("request %+v", r)
	}
}

func TestKeyNeverInErrors(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	// A misconfigured proxy that echoes the request headers back.
	echo := "X-Api-Key: " + testKey
	srv.Inject(dtracktest.Fault{Status: 400, ContentType: "text/plain", Body: echo}, 1)
	srv.Inject(dtracktest.Fault{Status: 400, ContentType: "application/problem+json",
		Body: `{"status":400,"title":"bad ` + testKey + `","detail":"` + testKey + `","errors":["` + testKey + `"]}`}, 1)
	srv.Inject(dtracktest.Fault{Status: 400, ContentType: "application/json",
		Body: `[{"message":"` + testKey + `","path":"p","invalidValue":"` + testKey + `"}]`}, 1)
	srv.Inject(dtracktest.Fault{Status: 503, ContentType: "text/html", Body: "<title>" + testKey + "</title>"}, 4)
	srv.Inject(dtracktest.Fault{Status: 200, ContentType: "application/json", Body: `{"token":"` + testKey + `"}`}, 1)
	c, _ := newClient(t, srv.URL, testKey)
	for i := range 5 {
		_, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
		if err == nil {
			t.Fatalf("call %d: no error", i)
		}
		if msg := err.Error(); strings.Contains(msg, testKey) || !strings.Contains(msg, "[REDACTED]") {
			t.Errorf("call %d: key not redacted: %s", i, msg)
		}
		if e, ok := err.(*dtrack.Error); ok {
			if s := strings.Join([]string{e.Message, e.Summary, e.Hint}, " "); strings.Contains(s, testKey) {
				t.Errorf("call %d: key in a field", i)
			}
		}
	}
}
