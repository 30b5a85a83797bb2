package sbom

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/rules"
)

// TestViolationProperties renders the policy of a build: the mode, the
// rules file and every violation on the metadata, and each violation on
// the components and services it is about.
func TestViolationProperties(t *testing.T) {
	const (
		evil      = "https://registry.npmjs.org/evil-pkg/-/evil-pkg-1.0.0.tgz"
		hello     = "https://registry.npmjs.org/hello-lib/-/hello-lib-1.2.0.tgz"
		telemetry = "https://telemetry.example/v1/events"
	)
	x := func(id int64, method, u string) capture.Exchange {
		return capture.Exchange{ID: id, Method: method, URL: u, Host: strings.SplitN(strings.TrimPrefix(u, "https://"), "/", 2)[0],
			Status: 200, Complete: true, Bytes: 3, ContentLength: 3, SHA256: fmt.Sprintf("%064x", id)}
	}
	l := &capture.Log{Trailer: &capture.Trailer{}, Exchanges: []capture.Exchange{
		x(1, "GET", evil), x(2, "GET", hello), x(3, "POST", telemetry),
	}}
	r, err := rules.Parse("/somewhere/.depaudit.yaml", []byte("mode: enforce\npolicy: {deny: {purls: ['pkg:npm/evil-*']}, unclassified: warn}\n"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Analyze(context.Background(), l, audit.Config{Rules: r})
	if err != nil {
		t.Fatal(err)
	}
	bom, err := Render(rep, fixedOptions())
	if err != nil {
		t.Fatal(err)
	}
	props := func(ps *[]cdx.Property) map[string][]string {
		m := map[string][]string{}
		if ps != nil {
			for _, p := range *ps {
				if !ValidPropertyName(p.Name) {
					t.Errorf("invalid property name %q", p.Name)
				}
				m[p.Name] = append(m[p.Name], p.Value)
			}
		}
		return m
	}
	meta := props(bom.Metadata.Properties)
	if fmt.Sprint(meta[PropPolicyMode]) != "[enforce]" || fmt.Sprint(meta[PropRulesFile]) != "[.depaudit.yaml]" || len(meta[PropViolation]) != 2 {
		t.Errorf("metadata properties %v", meta)
	}
	found := map[string][]string{}
	for _, c := range *bom.Components {
		found[c.PackageURL] = props(c.Properties)[PropViolation]
	}
	if v := found["pkg:npm/evil-pkg@1.0.0"]; len(v) != 1 || !strings.Contains(v[0], `policy.deny.purls[0] "pkg:npm/evil-*"`) {
		t.Errorf("evil-pkg component violations %q (components %v)", v, found)
	}
	if v := found["pkg:npm/hello-lib@1.2.0"]; len(v) != 0 {
		t.Errorf("hello-lib has violations %q", v)
	}
	services := map[string][]string{}
	if bom.Services != nil {
		for _, s := range *bom.Services {
			services[s.Name] = props(s.Properties)[PropViolation]
		}
	}
	if v := services["telemetry.example"]; len(v) != 1 || !strings.HasPrefix(v[0], "warn: rule policy.unclassified") {
		t.Errorf("telemetry service violations %q (services %v)", v, services)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, bom, FormatJSON, DefaultSpecVersion); err != nil {
		t.Fatal(err)
	}
	validateJSON(t, buf.Bytes(), DefaultSpecVersion)
}
