package classify

import "testing"

// fuzzClassifier checks the properties every classifier keeps on any input:
// no panic; a recognised request names the classifier's ecosystem and a
// known kind; an artifact always has a purl that packageurl.FromString
// parses, whose type matches the ecosystem and which agrees with the
// finding's group, name and version; a Set agrees with the classifier.
func fuzzClassifier(f *testing.F, c Classifier) {
	f.Add("https://example.com/x-1.0.tar.gz", "GET", 200, "", "")
	f.Fuzz(func(t *testing.T, rawURL, method string, status int, ctype, location string) {
		r := Request{Method: method, URL: rawURL, Status: status, ContentType: ctype, Location: location}
		got, ok := c.Classify(r)
		set := NewSet(c).Classify(r)
		if !ok {
			if set.Kind != KindUnclassified || set.URL != rawURL {
				t.Fatalf("classifier declined but the Set said %+v", set)
			}
			return
		}
		if got.Ecosystem != c.Ecosystem() {
			t.Fatalf("ecosystem %q, want %q", got.Ecosystem, c.Ecosystem())
		}
		if got.URL != rawURL {
			t.Fatalf("URL %q, want %q", got.URL, rawURL)
		}
		switch got.Kind {
		case KindArtifact:
			if got.PURL == "" {
				t.Fatalf("artifact without purl: %+v", got)
			}
		case KindMetadata, KindSidecar, KindAPI:
		default:
			t.Fatalf("kind %q", got.Kind)
		}
		if got.PURL != "" {
			checkPURL(t, got)
		}
		if set != got {
			t.Fatalf("Set said %+v, classifier %+v", set, got)
		}
	})
}

func FuzzNPM(f *testing.F)         { fuzzClassifier(f, DefaultNPM()) }
func FuzzPyPI(f *testing.F)        { fuzzClassifier(f, DefaultPyPI()) }
func FuzzGo(f *testing.F)          { fuzzClassifier(f, DefaultGo()) }
func FuzzMaven(f *testing.F)       { fuzzClassifier(f, DefaultMaven()) }
func FuzzCargo(f *testing.F)       { fuzzClassifier(f, DefaultCargo()) }
func FuzzGitHub(f *testing.F)      { fuzzClassifier(f, DefaultGitHub()) }
func FuzzGeneric(f *testing.F)     { fuzzClassifier(f, Generic()) }
func FuzzGem(f *testing.F)         { fuzzClassifier(f, DefaultGem()) }
func FuzzComposer(f *testing.F)    { fuzzClassifier(f, DefaultComposer()) }
func FuzzNuGet(f *testing.F)       { fuzzClassifier(f, DefaultNuGet()) }
func FuzzConda(f *testing.F)       { fuzzClassifier(f, DefaultConda()) }
func FuzzToolchain(f *testing.F)   { fuzzClassifier(f, DefaultToolchain()) }
func FuzzHuggingFace(f *testing.F) { fuzzClassifier(f, DefaultHuggingFace()) }
func FuzzPub(f *testing.F)         { fuzzClassifier(f, DefaultPub()) }
func FuzzHex(f *testing.F)         { fuzzClassifier(f, DefaultHex()) }
func FuzzCRAN(f *testing.F)        { fuzzClassifier(f, DefaultCRAN()) }
func FuzzCocoaPods(f *testing.F)   { fuzzClassifier(f, DefaultCocoaPods()) }

// FuzzSet checks that the default Set never fails and keeps the URL.
func FuzzSet(f *testing.F) {
	f.Add("https://registry.npmjs.org/@babel/core/-/core-7.23.0.tgz", "GET", 200, "", "")
	set := Default()
	f.Fuzz(func(t *testing.T, rawURL, method string, status int, ctype, location string) {
		got := set.Classify(Request{Method: method, URL: rawURL, Status: status, ContentType: ctype, Location: location})
		if got.URL != rawURL {
			t.Fatalf("URL %q, want %q", got.URL, rawURL)
		}
		if got.Kind == KindUnclassified {
			if got.Ecosystem != "" || got.PURL != "" {
				t.Fatalf("unclassified with details: %+v", got)
			}
			return
		}
		if got.Kind == KindArtifact && got.PURL == "" {
			t.Fatalf("artifact without purl: %+v", got)
		}
		if got.PURL != "" {
			checkPURL(t, got)
		}
	})
}
