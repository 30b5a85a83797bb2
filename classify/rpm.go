package classify

import (
	"fmt"
	"strings"

	"github.com/package-url/packageurl-go"
)

// EcosystemRPM names RPM repositories (dnf, yum, zypper).
const EcosystemRPM = "rpm"

// RPM recognises RPM repositories: a .rpm file becomes
// pkg:rpm/VENDOR/NAME@VERSION-RELEASE?arch=ARCH (the vendor from the
// repository's host; a source package has arch "src"); repodata/ (repomd.xml,
// primary, filelists, other, updateinfo, comps, their .asc) and the
// metalink and mirror-list services are metadata. The file name drops the
// epoch: the primary index restores it (see verify).
type RPM struct {
	sites []rpmSite
}

type rpmSite struct {
	site
	// suffix, when set, matches every host ending in it.
	suffix string
	vendor string
}

// DefaultRPM recognises the Fedora, CentOS, Rocky Linux, AlmaLinux,
// openSUSE, Amazon Linux and Red Hat UBI repositories.
func DefaultRPM() *RPM {
	var sites []rpmSite
	for _, s := range []struct{ host, vendor string }{
		{"dl.fedoraproject.org", "fedora"}, {"download.fedoraproject.org", "fedora"}, {"mirrors.fedoraproject.org", "fedora"},
		{"mirror.stream.centos.org", "centos"}, {"vault.centos.org", "centos"}, {"mirrorlist.centos.org", "centos"},
		{"dl.rockylinux.org", "rocky"}, {"mirrors.rockylinux.org", "rocky"},
		{"repo.almalinux.org", "almalinux"}, {"mirrors.almalinux.org", "almalinux"},
		{"download.opensuse.org", "opensuse"}, {"cdn.opensuse.org", "opensuse"},
		{"cdn.amazonlinux.com", "amzn"},
		{"cdn-ubi.redhat.com", "redhat"},
	} {
		sites = append(sites, rpmSite{site: publicSite(s.host), vendor: s.vendor})
	}
	sites = append(sites, rpmSite{suffix: ".amazonaws.com", vendor: "amzn"})
	return &RPM{sites: sites}
}

// NewRPM recognises a mirror of an RPM repository at base; vendor is the
// purl namespace, read from the base URL's words (fedora, centos, rocky,
// alma, opensuse or suse, amzn or amazon, rhel or redhat), else "rpm".
func NewRPM(base string) (*RPM, error) {
	s, err := parseSite(base)
	if err != nil {
		return nil, fmt.Errorf("rpm: %w", err)
	}
	s.repositoryURL = ""
	vendor := "rpm"
	lower := strings.ToLower(base)
	for _, v := range []struct{ word, vendor string }{
		{"fedora", "fedora"}, {"centos", "centos"}, {"rocky", "rocky"}, {"alma", "almalinux"},
		{"opensuse", "opensuse"}, {"suse", "opensuse"}, {"amzn", "amzn"}, {"amazon", "amzn"}, {"rhel", "redhat"}, {"redhat", "redhat"},
	} {
		if strings.Contains(lower, v.word) {
			vendor = v.vendor
			break
		}
	}
	return &RPM{sites: []rpmSite{{site: s, vendor: vendor}}}, nil
}

// Ecosystem returns "rpm".
func (c *RPM) Ecosystem() string { return EcosystemRPM }

// Classify implements Classifier.
func (c *RPM) Classify(r Request) (Finding, bool) {
	p, ok := parseRequest(r)
	if !ok {
		return Finding{}, false
	}
	return c.classify(p)
}

func (c *RPM) classify(p *parsed) (Finding, bool) {
	for i := range c.sites {
		s := &c.sites[i]
		var rest []string
		if s.suffix != "" {
			// Amazon Linux serves from S3 buckets named al2023-repos-*.
			if !strings.HasSuffix(p.host, s.suffix) || !strings.Contains(p.host, "-repos-") {
				continue
			}
			rest = p.segs
		} else {
			r, ok := s.match(p)
			if !ok {
				continue
			}
			rest = r
		}
		if !p.readOnly() {
			return finding(p, EcosystemRPM, KindAPI, pkgRef{}), true
		}
		file := p.last()
		if f, ok := ParseRPMFile(file); ok {
			f.Vendor = s.vendor
			return finding(p, EcosystemRPM, KindArtifact, rpmRef(f)), true
		}
		for _, seg := range rest {
			if seg == "repodata" {
				return finding(p, EcosystemRPM, KindMetadata, pkgRef{}), true
			}
		}
		if file == "metalink" || file == "mirrorlist" || strings.HasSuffix(file, ".repo") {
			return finding(p, EcosystemRPM, KindMetadata, pkgRef{}), true
		}
		if s.suffix != "" && len(rest) == 0 {
			continue
		}
		return unrecognised(p, EcosystemRPM)
	}
	return Finding{}, false
}

// RPMFile is what an RPM file name says of a package.
type RPMFile struct {
	// Vendor is the purl namespace, set by the caller.
	Vendor                       string
	Name, Version, Release, Arch string
}

// ParseRPMFile reads NAME-VERSION-RELEASE.ARCH.rpm: the architecture is
// after the last dot, the release after the last hyphen before it, the
// version after the hyphen before that (names may hold hyphens, versions
// and releases may not).
func ParseRPMFile(file string) (RPMFile, bool) {
	stem, ok := strings.CutSuffix(file, ".rpm")
	if !ok {
		return RPMFile{}, false
	}
	dot := strings.LastIndexByte(stem, '.')
	if dot <= 0 {
		return RPMFile{}, false
	}
	arch := stem[dot+1:]
	nvr := stem[:dot]
	r := strings.LastIndexByte(nvr, '-')
	if r <= 0 {
		return RPMFile{}, false
	}
	v := strings.LastIndexByte(nvr[:r], '-')
	if v <= 0 {
		return RPMFile{}, false
	}
	f := RPMFile{Name: nvr[:v], Version: nvr[v+1 : r], Release: nvr[r+1:], Arch: arch}
	if !rpmToken(f.Name, "+-._") || !rpmToken(f.Version, "+._~^:") || !rpmToken(f.Release, "+._~^") || !rpmToken(f.Arch, "_") {
		return RPMFile{}, false
	}
	return f, true
}

// rpmRef builds the purl of an RPM package.
func rpmRef(f RPMFile) pkgRef {
	return pkgRef{typ: packageurl.TypeRPM, namespace: f.Vendor, name: f.Name, version: f.Version + "-" + f.Release,
		quals: []string{"arch", f.Arch}}
}

// RPMPURL returns the purl of an RPM package; epoch "" or "0" is left out.
func RPMPURL(vendor, name, epoch, version, release, arch string) string {
	v := version
	if epoch != "" && epoch != "0" {
		v = epoch + ":" + version
	}
	return rpmRef(RPMFile{Vendor: vendor, Name: name, Version: v, Release: release, Arch: arch}).String()
}

// rpmToken reports a non-empty string of ASCII letters, digits and extra.
func rpmToken(s, extra string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && !isDigit(c) && strings.IndexByte(extra, c) < 0 {
			return false
		}
	}
	return true
}
