package main

import (
	"strings"
	"testing"
)

// Clients that cannot be had here (dotnet, conda, dart, mix, pod, rustup)
// are replayed: the request sequence the real client sends, taken from its
// documentation and source, made by curl through the proxy with the
// client's User-Agent and Accept headers.

// recordedStep is one request of a recorded client flow.
type recordedStep struct {
	// head sends HEAD instead of GET.
	head bool
	url  string
	// headers are extra request headers ("Accept: …").
	headers []string
}

// replayCommand is the command line that replays a flow (curl, one
// process per step, stopping at the first failure) with the client's
// User-Agent; each response body is written under e.dir, decoded when
// compressed (as the clients do).
func (e *e2eRun) replayCommand(t *testing.T, userAgent string, steps []recordedStep) []string {
	t.Helper()
	return e.replay(t, userAgent, steps, "")
}

// replayCommandFollow is replayCommand with redirects followed (curl -L),
// as download scripts do.
func (e *e2eRun) replayCommandFollow(t *testing.T, userAgent string, steps []recordedStep) []string {
	t.Helper()
	return e.replay(t, userAgent, steps, " -L")
}

func (e *e2eRun) replay(t *testing.T, userAgent string, steps []recordedStep, flags string) []string {
	t.Helper()
	curl := requireClient(t, "curl")
	var script strings.Builder
	script.WriteString("set -e\n")
	for i, s := range steps {
		script.WriteString(shellQuote(curl) + " -fsS --compressed" + flags + " -A " + shellQuote(userAgent))
		if s.head {
			script.WriteString(" -I")
		}
		for _, h := range s.headers {
			script.WriteString(" -H " + shellQuote(h))
		}
		script.WriteString(" -o " + shellQuote(e.dir+"/replay-"+itoa(i)) + " " + shellQuote(s.url) + "\n")
	}
	sh := requireClient(t, "sh")
	return []string{sh, "-c", script.String()}
}

// shellQuote quotes s for sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
