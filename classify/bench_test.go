package classify

import "testing"

// benchRequests are typical requests of each classifier's ecosystem.
var benchRequests = map[string][]Request{
	EcosystemNPM: {
		{URL: "https://registry.npmjs.org/@babel/core/-/core-7.23.0.tgz", Status: 200},
		{URL: "https://registry.npmjs.org/@babel%2fcore", Status: 200},
	},
	EcosystemPyPI: {
		{URL: "https://files.pythonhosted.org/packages/f9/9b/335f9764261e915ed497fcdeb11df5dfd6f7bf257d4a6a2a686d80da4d54/requests-2.32.3-py3-none-any.whl", Status: 200},
		{URL: "https://pypi.org/simple/requests/", Status: 200},
	},
	EcosystemGo: {
		{URL: "https://proxy.golang.org/github.com/%21burnt%21sushi/toml/@v/v1.6.0.zip", Status: 200},
		{URL: "https://proxy.golang.org/golang.org/x/text/@v/v0.34.0.mod", Status: 200},
	},
	EcosystemMaven: {
		{URL: "https://repo1.maven.org/maven2/org/apache/commons/commons-lang3/3.14.0/commons-lang3-3.14.0.jar", Status: 200},
		{URL: "https://nexus.example.com/repository/maven-public/org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.jar.sha1", Status: 200},
	},
	EcosystemCargo: {
		{URL: "https://static.crates.io/crates/serde/1.0.217/download", Status: 200},
		{URL: "https://index.crates.io/se/rd/serde", Status: 200},
	},
	EcosystemGitHub: {
		{URL: "https://github.com/cli/cli/releases/download/v2.42.1/gh_2.42.1_linux_amd64.tar.gz", Status: 302},
		{URL: "https://codeload.github.com/golang/go/tar.gz/refs/tags/go1.22.0", Status: 200},
	},
	EcosystemGeneric: {
		{URL: "https://get.helm.sh/helm-v3.14.0-linux-amd64.tar.gz", Status: 200},
		{URL: "https://dl.k8s.io/release/v1.29.1/bin/linux/amd64/kubectl", Status: 200, ContentType: "application/octet-stream"},
	},
}

func benchClassifier(b *testing.B, c Classifier) {
	reqs := benchRequests[c.Ecosystem()]
	for _, r := range reqs {
		if _, ok := c.Classify(r); !ok {
			b.Fatalf("%s does not recognise %s", c.Ecosystem(), r.URL)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		c.Classify(reqs[i%len(reqs)])
	}
}

func BenchmarkNPM(b *testing.B)     { benchClassifier(b, DefaultNPM()) }
func BenchmarkPyPI(b *testing.B)    { benchClassifier(b, DefaultPyPI()) }
func BenchmarkGo(b *testing.B)      { benchClassifier(b, DefaultGo()) }
func BenchmarkMaven(b *testing.B)   { benchClassifier(b, DefaultMaven()) }
func BenchmarkCargo(b *testing.B)   { benchClassifier(b, DefaultCargo()) }
func BenchmarkGitHub(b *testing.B)  { benchClassifier(b, DefaultGitHub()) }
func BenchmarkGeneric(b *testing.B) { benchClassifier(b, Generic()) }

// BenchmarkSet classifies a mix of every ecosystem's requests plus an
// unclassified one through the default Set (generic last, so the
// unclassified request visits every classifier).
func BenchmarkSet(b *testing.B) {
	var reqs []Request
	for _, eco := range []string{EcosystemNPM, EcosystemPyPI, EcosystemGo, EcosystemMaven, EcosystemCargo, EcosystemGitHub, EcosystemGeneric} {
		reqs = append(reqs, benchRequests[eco]...)
	}
	reqs = append(reqs, Request{URL: "https://api.example.com/v1/things?page=2", Status: 200, ContentType: "application/json"})
	set := Default()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		set.Classify(reqs[i%len(reqs)])
	}
}
