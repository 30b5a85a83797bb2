package verify

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/classify"
)

const nugetContent = "https://api.nuget.org/v3-flatcontainer/newtonsoft.json/13.0.3/newtonsoft.json.13.0.3.nupkg"

func TestNuGetRegistrationIndex(t *testing.T) {
	doc := `{"@id":"https://api.nuget.org/v3/registration5-gz-semver2/newtonsoft.json/index.json","count":2,"items":[
 {"@id":"https://api.nuget.org/v3/registration5-gz-semver2/newtonsoft.json/page/3.5.8/13.0.3.json","count":2,"lower":"3.5.8","upper":"13.0.3","items":[
  {"@id":"https://api.nuget.org/v3/registration5-gz-semver2/newtonsoft.json/13.0.3.json","@type":"Package",
   "catalogEntry":{"@id":"https://api.nuget.org/v3/catalog0/data/2023.03.08.07.46.17/newtonsoft.json.13.0.3.json","id":"Newtonsoft.Json","version":"13.0.3",
    "dependencyGroups":[{"targetFramework":"net6.0"}],"tags":["json"],"listed":true},
   "packageContent":"` + nugetContent + `"},
  {"@id":"x","catalogEntry":{"id":"Newtonsoft.Json","version":"13.0.4-Beta1","packageHash":"not base64!"},
   "packageContent":"https://api.nuget.org/v3-flatcontainer/newtonsoft.json/13.0.4-beta1/newtonsoft.json.13.0.4-beta1.nupkg"}
 ]},
 {"@id":"https://api.nuget.org/v3/registration5-gz-semver2/newtonsoft.json/page/14.0.0/15.0.0.json","count":64,"lower":"14.0.0","upper":"15.0.0"}
]}`
	got := inspect(t, "https://api.nuget.org/v3/registration5-gz-semver2/newtonsoft.json/index.json", "application/json", "gzip", gzipped(t, []byte(doc)))
	want := []capture.Digest{
		{Subject: nugetContent, Algorithm: "purl", Value: "pkg:nuget/Newtonsoft.Json@13.0.3", Source: "declared"},
		{Subject: "https://api.nuget.org/v3-flatcontainer/newtonsoft.json/13.0.4-beta1/newtonsoft.json.13.0.4-beta1.nupkg",
			Algorithm: "purl", Value: "pkg:nuget/Newtonsoft.Json@13.0.4-Beta1", Source: "declared"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

func TestNuGetCatalogLeaf(t *testing.T) {
	good, bad := []byte("nupkg bytes"), []byte("tampered")
	_, s512, _, _ := sums(good)
	raw, _ := hex.DecodeString(s512)
	leaf := fmt.Sprintf(`{"@id":"https://api.nuget.org/v3/catalog0/data/2023.03.08.07.46.17/newtonsoft.json.13.0.3.json","@type":["PackageDetails","catalog:Permalink"],
"authors":"James Newton-King","id":"Newtonsoft.Json","version":"13.0.3","packageHash":%q,"packageHashAlgorithm":"SHA512","packageSize":2413720,
"dependencyGroups":[{"@id":"x","targetFramework":".NETFramework2.0"}],"packageEntries":[{"fullName":"lib/net20/Newtonsoft.Json.dll","length":1}]}`,
		base64.StdEncoding.EncodeToString(raw))
	got := inspect(t, "https://api.nuget.org/v3/catalog0/data/2023.03.08.07.46.17/newtonsoft.json.13.0.3.json", "application/json", "", []byte(leaf))
	want := []capture.Digest{
		{Subject: nugetContent, Algorithm: "purl", Value: "pkg:nuget/Newtonsoft.Json@13.0.3", Source: "declared"},
		{Subject: "pkg:nuget/Newtonsoft.Json@13.0.3", Algorithm: "sha512", Value: s512, Source: "published"},
		{Subject: "pkg:nuget/newtonsoft.json@13.0.3", Algorithm: "sha512", Value: s512, Source: "published"},
	}
	if digestSet(got) != digestSet(want) {
		t.Fatalf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}

	// Without the registration the .nupkg is lower-case and verified by
	// the lower-case subject; with the catalog's declaration it gets the
	// published case.
	art := artifactExchange(nugetContent, good)
	plain := collect(logOf(art, capture.Exchange{URL: "https://api.nuget.org/v3/catalog0/data/x.json", Digests: got[1:]}), defaultClassifier())
	if v := plain.Check("pkg:nuget/newtonsoft.json@13.0.3", art.SHA256); v.Status != StatusVerified || strings.Join(v.Sources, ",") != "NuGet catalog packageHash" {
		t.Errorf("lower-case: %+v", v)
	}
	l := logOf(capture.Exchange{URL: "https://api.nuget.org/v3/catalog0/data/2023.03.08.07.46.17/newtonsoft.json.13.0.3.json", Digests: got}, art)
	a := Attribute(l, defaultClassifier())
	if f := a.Classify(classify.Request{URL: nugetContent}); f.PURL != "pkg:nuget/Newtonsoft.Json@13.0.3" || f.Name != "Newtonsoft.Json" {
		t.Fatalf("attributed: %+v", f)
	}
	if v := collect(l, a).Check("pkg:nuget/Newtonsoft.Json@13.0.3", art.SHA256); v.Status != StatusVerified {
		t.Errorf("cased: %+v", v)
	}
	tam := artifactExchange(nugetContent, bad)
	l = logOf(capture.Exchange{URL: "https://api.nuget.org/v3/catalog0/data/2023.03.08.07.46.17/newtonsoft.json.13.0.3.json", Digests: got}, tam)
	v := collect(l, Attribute(l, defaultClassifier())).Check("pkg:nuget/Newtonsoft.Json@13.0.3", tam.SHA256)
	if v.Status != StatusMismatch || v.Mismatches[0].Algorithm != "sha512" || v.Mismatches[0].Expected != s512 {
		t.Errorf("tampered: %+v", v)
	}
}
