package rules_test

import (
	"fmt"
	"log"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
	"github.com/depaudit/depaudit/observe"
	"github.com/depaudit/depaudit/rules"
)

func Example() {
	r, err := rules.Parse("rules.yaml", []byte(`
mode: enforce
registries:
  - url: https://npm.corp.example/api/npm/npm-remote/
    ecosystem: npm
policy:
  deny:
    purls: ["pkg:npm/evil-*"]
`))
	if err != nil {
		log.Fatal(err)
	}
	// The private registry's packages carry its repository_url.
	f := r.Classifier().Classify(classify.Request{URL: "https://npm.corp.example/api/npm/npm-remote/left-pad/-/left-pad-1.3.0.tgz"})
	fmt.Println(f.PURL)

	// In enforce mode the proxy asks the gate before each request.
	gate := r.Gate()
	fmt.Println(gate(&capture.Exchange{Method: "GET", Host: "npm.corp.example",
		URL: "https://npm.corp.example/api/npm/npm-remote/evil-pkg/-/evil-pkg-1.0.0.tgz"}))

	// After the build, Evaluate lists the violations.
	obs, _ := observe.Attribute([]capture.Exchange{
		{Method: "GET", Host: "npm.corp.example", Status: 200, URL: "https://npm.corp.example/api/npm/npm-remote/evil-pkg"},
	}, r.Classifier())
	vs := r.Evaluate(rules.Input{Observations: obs})
	for _, v := range vs {
		fmt.Println(v)
	}

	// Invalid files say where and what.
	_, err = rules.Parse("rules.yaml", []byte("policy:\n  deny:\n    purl: [\"pkg:npm/evil-*\"]\n"))
	fmt.Println(err)
	// Output:
	// pkg:npm/left-pad@1.3.0?repository_url=https:%2F%2Fnpm.corp.example%2Fapi%2Fnpm%2Fnpm-remote
	// rule policy.deny.purls[0] "pkg:npm/evil-*" matches pkg:npm/evil-pkg@1.0.0?repository_url=https:%2F%2Fnpm.corp.example%2Fapi%2Fnpm%2Fnpm-remote
	// deny: rule policy.deny.purls[0] "pkg:npm/evil-*" matches pkg:npm/evil-pkg?repository_url=https:%2F%2Fnpm.corp.example%2Fapi%2Fnpm%2Fnpm-remote (1 request)
	// rules.yaml:3:5: unknown key "purl" in policy.deny (known keys: hosts, ecosystems, purls)
}
