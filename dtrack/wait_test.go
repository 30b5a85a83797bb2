package dtrack_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/depaudit/depaudit/dtrack"
	"github.com/depaudit/depaudit/dtrack/dtracktest"
)

func TestWaitProcessedPollsWithBackoff(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	srv.SetProcessingPolls(3)
	c, sl := newClient(t, srv.URL, testKey)
	ctx := context.Background()
	res, err := c.Upload(ctx, dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitProcessed(ctx, res.Token); err != nil {
		t.Fatalf("WaitProcessed: %v", err)
	}
	if n := srv.Polls(res.Token); n != 4 {
		t.Errorf("%d polls, want 4 (3 processing, 1 done)", n)
	}
	want := []time.Duration{time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond}
	if got := sl.got(); !reflect.DeepEqual(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

func TestWaitProcessedTimeout(t *testing.T) {
	srv := newFake(t, dtracktest.BOMUpload)
	srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	srv.SetProcessingPolls(1000)
	c, sl := newClient(t, srv.URL, testKey)
	res, err := c.Upload(context.Background(), dtrack.UploadRequest{ProjectName: "web", ProjectVersion: "1", BOM: smallBOM(1)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	sl.onSleep = func(n int) {
		if n == 5 {
			cancel()
		}
	}
	err = c.WaitProcessed(ctx, res.Token)
	if !errors.Is(err, dtrack.ErrStillProcessing) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want ErrStillProcessing and context.Canceled", err)
	}
	if n := srv.Polls(res.Token); n != 5 {
		t.Errorf("%d polls, want 5", n)
	}
}

func TestProcessingUnknownTokenIsDone(t *testing.T) {
	srv := newFake(t)
	c, _ := newClient(t, srv.URL, testKey)
	busy, err := c.Processing(context.Background(), "0b7c2a3e-1111-4222-8333-444455556666")
	if err != nil || busy {
		t.Errorf("Processing = %v, %v; want false, nil (auth only, no permission needed)", busy, err)
	}
}

func TestProcessingOldServer(t *testing.T) {
	srv := newFake(t)
	srv.Inject(dtracktest.Fault{Status: 404}, 1)
	c, _ := newClient(t, srv.URL, testKey)
	_, err := c.Processing(context.Background(), "0b7c2a3e-1111-4222-8333-444455556666")
	mustContain(t, asError(t, err).Error(), "4.11", "without --wait")
}

func TestLookupAndFindings(t *testing.T) {
	srv := newFake(t, dtracktest.ViewPortfolio, dtracktest.ViewVulnerability)
	id := srv.AddProject(dtracktest.Project{Name: "web", Version: "1"})
	srv.SetFindings(id,
		dtracktest.Finding{ComponentName: "a", VulnID: "CVE-1", Severity: "CRITICAL"},
		dtracktest.Finding{ComponentName: "b", VulnID: "CVE-2", Severity: "HIGH"},
		dtracktest.Finding{ComponentName: "c", VulnID: "CVE-3", Severity: "HIGH"},
		dtracktest.Finding{ComponentName: "d", VulnID: "CVE-4", Severity: "LOW"},
		dtracktest.Finding{ComponentName: "e", VulnID: "CVE-5", Severity: "UNASSIGNED"},
		dtracktest.Finding{ComponentName: "f", VulnID: "CVE-6", Severity: "CRITICAL", Suppressed: true},
	)
	c, _ := newClient(t, srv.URL, testKey)
	ctx := context.Background()
	p, err := c.LookupProject(ctx, "web", "1")
	if err != nil || p.UUID != id {
		t.Fatalf("LookupProject = %+v, %v", p, err)
	}
	fs, err := c.Findings(ctx, p.UUID)
	if err != nil {
		t.Fatal(err)
	}
	counts := dtrack.Count(fs)
	if counts.String() != "critical 1, high 2, medium 0, low 1, info 0, unassigned 1" || counts.Total() != 5 {
		t.Errorf("counts = %s (total %d)", counts, counts.Total())
	}
	for sev, want := range map[dtrack.Severity]int{dtrack.SeverityCritical: 1, dtrack.SeverityHigh: 3, dtrack.SeverityMedium: 3, dtrack.SeverityLow: 4, dtrack.SeverityUnassigned: 5} {
		if got := counts.AtLeast(sev); got != want {
			t.Errorf("AtLeast(%s) = %d, want %d", sev, got, want)
		}
	}
}

func TestLookupNotFound(t *testing.T) {
	srv := newFake(t, dtracktest.ViewPortfolio)
	c, _ := newClient(t, srv.URL, testKey)
	_, err := c.LookupProject(context.Background(), "nope", "1")
	if e := asError(t, err); e.StatusCode != 404 {
		t.Errorf("status %d", e.StatusCode)
	}
}

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]dtrack.Severity{"high": dtrack.SeverityHigh, "CRITICAL": dtrack.SeverityCritical, " Info ": dtrack.SeverityInfo} {
		if got, err := dtrack.ParseSeverity(in); err != nil || got != want {
			t.Errorf("ParseSeverity(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := dtrack.ParseSeverity("severe"); err == nil {
		t.Error("ParseSeverity(severe) succeeded")
	}
}
