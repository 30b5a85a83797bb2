package classify

import "testing"

func TestAPK(t *testing.T) {
	const (
		A, M, API = KindArtifact, KindMetadata, KindAPI
		apk       = EcosystemAPK
	)
	cdn := "https://dl-cdn.alpinelinux.org/alpine/"
	runRows(t, []row{
		get(cdn+"v3.19/main/x86_64/curl-8.5.0-r0.apk", A, apk, "pkg:apk/alpine/curl@8.5.0-r0?arch=x86_64"),
		get("http://dl-cdn.alpinelinux.org/alpine/edge/community/aarch64/py3-requests-2.31.0-r1.apk", A, apk,
			"pkg:apk/alpine/py3-requests@2.31.0-r1?arch=aarch64"),
		get(cdn+"v3.19/main/x86_64/ca-certificates-bundle-20240226-r0.apk", A, apk, "pkg:apk/alpine/ca-certificates-bundle@20240226-r0?arch=x86_64"),
		get(cdn+"v3.19/main/x86_64/openssl-3.1.4_p1-r0.apk", A, apk, "pkg:apk/alpine/openssl@3.1.4_p1-r0?arch=x86_64"),
		get(cdn+"v3.19/main/armv7/musl-1.2.4_git20230717-r4.apk", A, apk, "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=armv7"),
		get(cdn+"v3.19/main/x86_64/APKINDEX.tar.gz", M, apk, ""),
		get(cdn+"v3.19/main/x86_64/", API, apk, ""),
		get(cdn+"v3.19/releases/x86_64/alpine-minirootfs-3.19.1-x86_64.tar.gz", A, EcosystemGeneric,
			"pkg:generic/alpine-minirootfs@3.19.1?download_url=https:%2F%2Fdl-cdn.alpinelinux.org%2Falpine%2Fv3.19%2Freleases%2Fx86_64%2Falpine-minirootfs-3.19.1-x86_64.tar.gz"),
		get(cdn+"v3.19/main/x86_64/curl-8.5.0.apk", A, EcosystemGeneric,
			"pkg:generic/curl@8.5.0?download_url=https:%2F%2Fdl-cdn.alpinelinux.org%2Falpine%2Fv3.19%2Fmain%2Fx86_64%2Fcurl-8.5.0.apk"),
	})
	m, err := NewAPK("https://mirror.example.com/alpine/")
	if err != nil {
		t.Fatal(err)
	}
	if f, _ := m.Classify(Request{URL: "https://mirror.example.com/alpine/v3.19/main/x86_64/curl-8.5.0-r0.apk"}); f.PURL != "pkg:apk/alpine/curl@8.5.0-r0?arch=x86_64" {
		t.Errorf("mirror: %+v", f)
	}
}

func FuzzAPK(f *testing.F) { fuzzClassifier(f, DefaultAPK()) }
