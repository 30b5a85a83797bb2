package sbom

import (
	"bytes"
	"slices"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/capture"
)

func TestAssembleSealed(t *testing.T) {
	l := readLog(t, "build.capture.jsonl")
	l.Header.Sealed = true
	for i := range l.Exchanges {
		l.Exchanges[i].Transparent = true
	}
	at := time.Date(2026, 3, 2, 10, 15, 16, 0, time.UTC)
	l.Connections = []capture.Connection{
		{Start: at, Action: capture.ConnBlocked, Protocol: "tcp/ssh", Dest: "198.18.0.3", Port: 22, Name: "github.com", Reason: "neither TLS nor HTTP"},
		{Start: at, Action: capture.ConnBlocked, Protocol: "tcp/ssh", Dest: "198.18.0.3", Port: 22, Name: "github.com", Reason: "neither TLS nor HTTP"},
		{Start: at, Action: capture.ConnBlocked, Protocol: "udp", Dest: "192.0.2.9", Port: 5353, Reason: "UDP other than DNS"},
		{Start: at, Action: capture.ConnRelayed, Protocol: "tcp", Dest: "10.0.0.5", Port: 5432, BytesOut: 5, BytesIn: 7, DurationMS: 1.5, Reason: "sealed_allow tcp://10.0.0.5:5432"},
	}
	res, err := assemble(l, buildFindings(), fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	if got := propValues(res.BOM.Metadata.Properties, PropSealed); !slices.Equal(got, []string{"true"}) {
		t.Errorf("metadata %s = %q", PropSealed, got)
	}
	for _, c := range *res.BOM.Components {
		if got := propValues(c.Properties, PropTransparent); !slices.Equal(got, []string{"true"}) {
			t.Errorf("%s: %s = %q", c.PackageURL, PropTransparent, got)
		}
	}
	byName := map[string]cdx.Service{}
	for _, s := range *res.BOM.Services {
		byName[s.Name] = s
	}
	ssh, ok := byName["github.com:22"]
	if !ok || !slices.Equal(propValues(ssh.Properties, PropBlocked), []string{"true"}) ||
		!slices.Equal(propValues(ssh.Properties, PropAttempts), []string{"2"}) ||
		!slices.Equal(propValues(ssh.Properties, PropAddress), []string{"198.18.0.3"}) || (*ssh.Endpoints)[0] != "ssh://github.com:22" {
		t.Errorf("ssh service %+v", ssh)
	}
	if udp, ok := byName["192.0.2.9:5353"]; !ok || !slices.Equal(propValues(udp.Properties, PropProtocol), []string{"udp"}) {
		t.Errorf("udp service %+v", udp)
	}
	db, ok := byName["10.0.0.5:5432"]
	if !ok || !slices.Equal(propValues(db.Properties, PropRelayed), []string{"true"}) ||
		!slices.Equal(propValues(db.Properties, PropBytesOut), []string{"5"}) || !slices.Equal(propValues(db.Properties, PropBytesIn), []string{"7"}) {
		t.Errorf("relayed service %+v", db)
	}
	s := res.Summary
	if !slices.Equal(s.Blocked, []string{"udp 192.0.2.9:5353", "tcp/ssh github.com:22"}) || !slices.Equal(s.Relayed, []string{"tcp 10.0.0.5:5432"}) ||
		s.Transparent == 0 || len(s.TransparentHosts) == 0 {
		t.Errorf("summary %+v", s)
	}
	var doc bytes.Buffer
	if err := Encode(&doc, res.BOM, FormatJSON, cdx.SpecVersion1_6); err != nil {
		t.Fatal(err)
	}
	validateJSON(t, doc.Bytes(), cdx.SpecVersion1_6)
}
