package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/license"
)

// npmLsNode is a node of `npm ls --all --long --json`.
type npmLsNode struct {
	Version      string               `json:"version"`
	License      json.RawMessage      `json:"license"`
	Missing      bool                 `json:"missing"`
	Dependencies map[string]npmLsNode `json:"dependencies"`
}

// TestLiveNPMGraph: a real install of a several-hundred-package project;
// every edge `npm ls --all` reports is in depaudit's dependency graph, and
// every package's licence equals the one npm reports from its
// package.json. The figures are logged (docs/formats.md quotes them).
func TestLiveNPMGraph(t *testing.T) {
	requireLive(t)
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm not installed")
	}
	dir := t.TempDir()
	pkg := `{"name":"live-graph","version":"1.0.0","private":true,"dependencies":{"express":"4.21.2","jest":"29.7.0"}}`
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(pkg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := liveBuild(t, dir, []string{"npm_config_cache=" + filepath.Join(dir, "cache"), "npm_config_audit=false", "npm_config_fund=false", "npm_config_update_notifier=false"},
		npm, "install", "--prefix", dir, "--no-audit", "--no-fund")
	out, err := exec.Command(npm, "ls", "--prefix", dir, "--all", "--long", "--json").Output()
	if err != nil {
		t.Fatalf("npm ls: %v", err)
	}
	var root npmLsNode
	if err := json.Unmarshal(out, &root); err != nil {
		t.Fatal(err)
	}
	bom := r.bom
	refOf, licOf := map[string]string{}, map[string]string{}
	for _, c := range *bom.Components {
		key := strings.Replace(strings.TrimPrefix(c.PackageURL, "pkg:npm/"), "%40", "@", 1)
		refOf[key] = c.BOMRef
		if c.Licenses != nil && len(*c.Licenses) > 0 {
			l := (*c.Licenses)[0]
			switch {
			case l.Expression != "":
				licOf[key] = l.Expression
			case l.License != nil && l.License.ID != "":
				licOf[key] = l.License.ID
			case l.License != nil:
				licOf[key] = l.License.Name
			}
		}
	}
	deps := map[string]map[string]bool{}
	for _, d := range *bom.Dependencies {
		deps[d.Ref] = map[string]bool{}
		if d.Dependencies != nil {
			for _, to := range *d.Dependencies {
				deps[d.Ref][to] = true
			}
		}
	}
	project := bom.Metadata.Component.BOMRef
	edges, missing, licences, licenceDiffs := 0, 0, 0, 0
	var walk func(from string, n npmLsNode, depth int)
	walk = func(from string, n npmLsNode, depth int) {
		for name, child := range n.Dependencies {
			if child.Missing || child.Version == "" {
				continue
			}
			key := name + "@" + child.Version
			to := refOf[key]
			if to == "" {
				t.Errorf("%s is not a component", key)
				continue
			}
			edges++
			if !deps[from][to] {
				missing++
				if missing <= 10 {
					t.Errorf("edge %s → %s missing", from, key)
				}
			}
			var s string
			if json.Unmarshal(child.License, &s) == nil && s != "" {
				licences++
				want := license.Normalize(s)
				if got := licOf[key]; got != want.ID+want.Expression+want.Name {
					licenceDiffs++
					t.Errorf("%s: licence %q, npm says %q", key, got, s)
				}
			}
			if depth < 64 {
				walk(to, child, depth+1)
			}
		}
	}
	walk(project, root, 0)
	total := 0
	for ref, to := range deps {
		if ref != project {
			total += len(to)
		}
	}
	t.Logf("%d components; %d edges reported by npm ls --all (the project's included), %d missing from depaudit's graph "+
		"(%d edges between packages); %d licences compared, %d differ",
		len(*bom.Components), edges, missing, total, licences, licenceDiffs)
	if len(*bom.Components) < 300 {
		t.Errorf("only %d components: not the several-hundred-package install this checks", len(*bom.Components))
	}
}
