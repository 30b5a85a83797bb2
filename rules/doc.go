// Package rules reads depaudit's rules file: extra package registries
// (private registries and mirrors, whose packages then carry a purl
// repository_url) and an egress policy that says which hosts, ecosystems and
// packages a build may fetch.
//
// A rules file is YAML:
//
//	mode: enforce          # audit (default): record and report; enforce: also refuse denied requests
//	registries:
//	  - url: https://npm.corp.example/api/npm/npm-remote/
//	    ecosystem: npm     # npm, pypi, golang, maven, cargo, gem, composer, nuget or conda
//	policy:
//	  allow:
//	    hosts: ["*.corp.example"]
//	  deny:
//	    purls: ["pkg:npm/evil-*"]
//	  unclassified: warn       # allow | warn | deny
//	  generic_downloads: warn  # allow | warn | deny
//	  hash_changed: deny       # allow | warn | deny, against a baseline SBOM
//
// Load reads and validates a file; every error names the file, the line and
// what is wrong, and unknown keys are errors. Rules.Classifier puts the
// extra registries in front of the built-in classifiers, Rules.Check decides
// one request, Rules.Gate refuses denied requests in enforce mode, and
// Rules.Evaluate lists the violations of a finished build, which
// Rules.Annotate records in its SBOM.
package rules
