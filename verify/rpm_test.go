package verify

import (
	"testing"

	"github.com/depaudit/depaudit/capture"
)

const rpmPrimaryText = `<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="4">
<package type="rpm"><name>curl</name><arch>x86_64</arch><version epoch="0" ver="8.6.0" rel="1.fc40"/>
  <checksum type="sha256" pkgid="YES">` + debSumA + `</checksum><location href="Packages/c/curl-8.6.0-1.fc40.x86_64.rpm"/>
  <format><rpm:provides><rpm:entry name="curl"/></rpm:provides></format></package>
<package type="rpm"><name>shadow-utils</name><arch>x86_64</arch><version epoch="2" ver="4.15.1" rel="2.fc40"/>
  <checksum type="sha256" pkgid="YES">` + debSumB + `</checksum><location xml:base="https://mirror.example.com/f40/" href="Packages/s/shadow-utils-4.15.1-2.fc40.x86_64.rpm"/></package>
<package type="rpm"><name>evil</name><arch>x86_64</arch><version epoch="0" ver="1" rel="1"/>
  <checksum type="sha256">` + debSumA + `</checksum><location href="../../../etc/passwd"/></package>
<package type="rpm"><name>md5</name><arch>x86_64</arch><version epoch="0" ver="1" rel="1"/>
  <checksum type="md5">0123456789abcdef0123456789abcdef</checksum><location href="Packages/m/md5-1-1.x86_64.rpm"/></package>
</metadata>
`

func TestRPMPrimary(t *testing.T) {
	base := "https://dl.fedoraproject.org/pub/fedora/linux/releases/40/Everything/x86_64/os/"
	want := []capture.Digest{
		{Subject: base + "Packages/c/curl-8.6.0-1.fc40.x86_64.rpm", Algorithm: "sha256", Value: debSumA, Source: "published"},
		{Subject: "https://mirror.example.com/f40/Packages/s/shadow-utils-4.15.1-2.fc40.x86_64.rpm", Algorithm: "sha256", Value: debSumB, Source: "published"},
		{Subject: "https://mirror.example.com/f40/Packages/s/shadow-utils-4.15.1-2.fc40.x86_64.rpm", Algorithm: FactRPMEpoch, Value: "2", Source: "fact"},
	}
	for _, kind := range []string{"plain", "gz", "xz", "zst"} {
		got := inspect(t, base+"repodata/0123-primary.xml."+kind, "application/octet-stream", "", debCompressed(t, kind, []byte(rpmPrimaryText)))
		if digestSet(got) != digestSet(want) {
			t.Errorf("%s: got\n%s\nwant\n%s", kind, digestSet(got), digestSet(want))
		}
	}
}

func TestRPMRepomd(t *testing.T) {
	base := "https://dl.fedoraproject.org/pub/fedora/linux/releases/40/Everything/x86_64/os/"
	repomd := `<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo"><revision>1</revision>
<data type="primary"><checksum type="sha256">` + debSumA + `</checksum><open-checksum type="sha256">` + debSumB + `</open-checksum><location href="repodata/a-primary.xml.zst"/></data>
<data type="filelists"><checksum type="sha">0123456789abcdef0123456789abcdef01234567</checksum><location href="repodata/b-filelists.xml.gz"/></data>
</repomd>`
	got := inspect(t, base+"repodata/repomd.xml", "application/xml", "", []byte(repomd))
	want := []capture.Digest{
		{Subject: base + "repodata/a-primary.xml.zst", Algorithm: "sha256", Value: debSumA, Source: "published"},
		{Subject: base + "repodata/b-filelists.xml.gz", Algorithm: "sha1", Value: "0123456789abcdef0123456789abcdef01234567", Source: "published"},
	}
	if digestSet(got) != digestSet(want) {
		t.Errorf("got\n%s\nwant\n%s", digestSet(got), digestSet(want))
	}
}

func FuzzRPMPrimary(f *testing.F) {
	f.Add([]byte(rpmPrimaryText))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFacts(t, bodyRPMPrimary, "https://dl.fedoraproject.org/f/os/repodata/x-primary.xml", "", data)
	})
}

func FuzzRPMRepomd(f *testing.F) {
	f.Add([]byte(`<repomd><data type="primary"><checksum type="sha256">` + debSumA + `</checksum><location href="repodata/p.xml.gz"/></data></repomd>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzFacts(t, bodyRPMRepomd, "https://dl.fedoraproject.org/f/os/repodata/repomd.xml", "dl.fedoraproject.org/f/os/", data)
	})
}
