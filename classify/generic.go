package classify

import (
	"mime"
	"strings"

	"github.com/package-url/packageurl-go"
)

// GenericClassifier recognises downloads from any host whose file name or
// Content-Type is an archive, package or executable. They become
// pkg:generic/NAME[@VERSION]?download_url=… components that still deserve a
// human's review: nothing vouches for what the host served.
type GenericClassifier struct{}

// Generic returns the classifier of generic downloads. It accepts any host,
// so a Set asks it last.
func Generic() *GenericClassifier { return &GenericClassifier{} }

// Ecosystem returns "generic".
func (c *GenericClassifier) Ecosystem() string { return EcosystemGeneric }

// Classify implements Classifier.
func (c *GenericClassifier) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

// downloadExts are the file name endings of archives, packages and
// executables, longest first where one ends another.
var downloadExts = [...]string{
	".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tar.lz", ".tgz", ".tbz2", ".tbz", ".txz", ".tar",
	".zip", ".7z", ".gz", ".bz2", ".xz", ".zst",
	".jar", ".war", ".ear", ".aar", ".whl", ".egg", ".gem", ".crate", ".nupkg", ".vsix",
	".deb", ".udeb", ".rpm", ".apk", ".snap", ".appimage",
	".exe", ".msi", ".dmg", ".pkg", ".sh", ".run", ".bin",
}

// binaryTypes are the Content-Types of archives, packages and executables.
var binaryTypes = map[string]bool{
	"application/octet-stream":                      true,
	"application/x-executable":                      true,
	"application/x-elf":                             true,
	"application/x-mach-binary":                     true,
	"application/x-msdownload":                      true,
	"application/x-msdos-program":                   true,
	"application/x-msi":                             true,
	"application/x-ms-installer":                    true,
	"application/x-apple-diskimage":                 true,
	"application/x-sh":                              true,
	"application/x-shellscript":                     true,
	"text/x-shellscript":                            true,
	"application/gzip":                              true,
	"application/x-gzip":                            true,
	"application/x-tar":                             true,
	"application/x-gtar":                            true,
	"application/x-bzip2":                           true,
	"application/x-xz":                              true,
	"application/zstd":                              true,
	"application/x-7z-compressed":                   true,
	"application/zip":                               true,
	"application/x-zip-compressed":                  true,
	"application/java-archive":                      true,
	"application/x-java-archive":                    true,
	"application/vnd.debian.binary-package":         true,
	"application/x-debian-package":                  true,
	"application/x-rpm":                             true,
	"application/x-redhat-package-manager":          true,
	"application/vnd.android.package-archive":       true,
	"application/x-iso9660-appimage":                true,
	"application/vnd.microsoft.portable-executable": true,
}

// downloadExt returns the download extension file ends with (lower-cased),
// or "" when it has none.
func downloadExt(file string) string {
	if file == "" {
		return ""
	}
	for _, ext := range downloadExts {
		if _, ok := cutSuffixFold(file, ext); ok && len(file) > len(ext) {
			return ext
		}
	}
	return ""
}

// binaryType reports a Content-Type of an archive, package or executable.
func binaryType(ct string) bool {
	if ct == "" {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return binaryTypes[mt]
}

func (c *GenericClassifier) classify(p *parsed) (Finding, bool) {
	if p.method != "GET" {
		return Finding{}, false
	}
	if st := p.req.Status; st != 0 && (st < 200 || st > 299) {
		return Finding{}, false
	}
	file := p.last()
	if ChecksumFile(file) {
		// SHA256SUMS and the like vouch for the downloads beside them.
		return finding(p, EcosystemGeneric, KindSidecar, pkgRef{}), true
	}
	ext := downloadExt(file)
	if ext == "" && !binaryType(p.req.ContentType) {
		return Finding{}, false
	}
	name, version := file, ""
	if !cleanSegment(file) {
		// The file name is unusable: the host names the download, and
		// the host carries no version (nor the file's extension).
		name = p.host
	} else if n, v, ok := guessVersion(file, ext); ok {
		name, version = n, v
	}
	ref := pkgRef{typ: packageurl.TypeGeneric, name: name, version: version,
		quals: []string{qualDownloadURL, p.downloadURL()}}
	return finding(p, EcosystemGeneric, KindArtifact, ref), true
}

// guessVersion splits a file name that clearly carries a version, such as
// "helm-v3.14.0-linux-amd64.tar.gz" or "terraform_1.7.0_linux_amd64.zip",
// into a name and the version: a "-" or "_" followed by an optional "v" and
// at least two dot-separated numbers, then an optional pre-release tag, then
// the end of the name or another separator.
func guessVersion(file, ext string) (name, version string, ok bool) {
	stem, found := cutSuffixFold(file, ext)
	if !found {
		return "", "", false
	}
	for i := 1; i < len(stem); i++ {
		if stem[i] != '-' && stem[i] != '_' {
			continue
		}
		start := i + 1
		j := start
		if j < len(stem) && (stem[j] == 'v' || stem[j] == 'V') {
			j++
		}
		end, ok := numericVersion(stem, j)
		if !ok {
			continue
		}
		end = preRelease(stem, end)
		if end < len(stem) && !strings.ContainsRune("-_.+~", rune(stem[end])) {
			continue
		}
		name = stem[:i]
		if !isLetter(name[0]) {
			return "", "", false
		}
		return name, stem[start:end], true
	}
	return "", "", false
}

// numericVersion reads digits(.digits)+ from s at i and returns where it ends.
func numericVersion(s string, i int) (int, bool) {
	parts := 0
	for {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i {
			return 0, false
		}
		parts++
		i = j
		if i+1 < len(s) && s[i] == '.' && isDigit(s[i+1]) {
			i++
			continue
		}
		return i, parts >= 2
	}
}

// preRelease extends a version ending at i over a pre-release tag such as
// "-rc1", "-beta.2" or "-alpha".
func preRelease(s string, i int) int {
	if i >= len(s) || (s[i] != '-' && s[i] != '.') {
		return i
	}
	rest := strings.ToLower(s[i+1:])
	for _, tag := range [...]string{"alpha", "beta", "rc", "pre", "dev"} {
		if strings.HasPrefix(rest, tag) {
			j := i + 1 + len(tag)
			for j < len(s) && (isDigit(s[j]) || (s[j] == '.' && j+1 < len(s) && isDigit(s[j+1]))) {
				j++
			}
			return j
		}
	}
	return i
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
