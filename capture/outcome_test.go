package capture

import (
	"bytes"
	"strings"
	"testing"
)

// TestReadLogOutcome reads the outcome of exchanges the proxy answered
// itself: from the field in logs that have it, from the Error texts that
// carried it in logs written before.
func TestReadLogOutcome(t *testing.T) {
	const header = `{"record":"header","format":"depaudit.capture/v1","version":"old","start":"2026-01-01T00:00:00Z","command":["make"]}` + "\n"
	lines := []string{
		// Written before the outcome field existed.
		`{"record":"exchange","id":1,"method":"CONNECT","url":"https://a.example/","host":"a.example","status":407,"error":"refused: the request did not carry depaudit's proxy credential"}`,
		`{"record":"exchange","id":2,"method":"GET","url":"https://a.example/x","host":"a.example","status":403,"error":"denied by policy: rule policy.deny.hosts[0] \"a.example\" matches host a.example"}`,
		// An upstream 403 whose error merely mentions a policy.
		`{"record":"exchange","id":3,"method":"GET","url":"https://b.example/x","host":"b.example","status":502,"error":"denied by policy: upstream said so"}`,
		// Written with the field: it is what counts, whatever the text.
		`{"record":"exchange","id":4,"method":"GET","url":"https://c.example/x","host":"c.example","status":403,"error":"refused by the gate","outcome":"denied"}`,
		`{"record":"exchange","id":5,"method":"GET","url":"https://c.example/y","host":"c.example","status":407,"outcome":"proxy_auth_required"}`,
		`{"record":"exchange","id":6,"method":"GET","url":"https://c.example/z","host":"c.example","status":200}`,
	}
	l, err := ReadLog(strings.NewReader(header + strings.Join(lines, "\n") + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Outcome{OutcomeProxyAuthRequired, OutcomeDenied, "", OutcomeDenied, OutcomeProxyAuthRequired, ""}
	if len(l.Exchanges) != len(want) {
		t.Fatalf("%d exchanges, want %d", len(l.Exchanges), len(want))
	}
	for i, x := range l.Exchanges {
		if x.Outcome != want[i] {
			t.Errorf("exchange %d: outcome %q, want %q", x.ID, x.Outcome, want[i])
		}
		if x.Denied() != (want[i] == OutcomeDenied) || x.ProxyAuthRefused() != (want[i] == OutcomeProxyAuthRequired) {
			t.Errorf("exchange %d: Denied %v, ProxyAuthRefused %v for outcome %q", x.ID, x.Denied(), x.ProxyAuthRefused(), want[i])
		}
	}

	// The field is written, and read back as written.
	var b bytes.Buffer
	lw, err := NewLogWriter(&b, Header{Version: "test", Command: []string{"make"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := lw.WriteExchange(&Exchange{ID: 1, Method: "GET", URL: "https://d.example/", Host: "d.example", Status: 403, Outcome: OutcomeDenied}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"outcome":"denied"`) {
		t.Errorf("outcome not written:\n%s", b.String())
	}
	back, err := ReadLog(&b)
	if err != nil || len(back.Exchanges) != 1 || !back.Exchanges[0].Denied() {
		t.Errorf("read back %+v, %v", back, err)
	}
}
