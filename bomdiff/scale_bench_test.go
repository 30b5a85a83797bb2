package bomdiff

import (
	"fmt"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
)

// scaleBOMs are two BOMs of n npm packages, one version each; in the new
// one a tenth of the packages moved to the next version.
func scaleBOMs(n int) (old, new []dc) {
	for i := range n {
		name := fmt.Sprintf("pkg-%d", i)
		c := dc{purl: "pkg:npm/" + name + "@1.0.0", sha256: fmt.Sprintf("%064x", i),
			url: "https://registry.npmjs.org/" + name + "/-/" + name + "-1.0.0.tgz"}
		old = append(old, c)
		if i%10 == 0 {
			c = dc{purl: "pkg:npm/" + name + "@1.0.1", sha256: fmt.Sprintf("%064x", i+n),
				url: "https://registry.npmjs.org/" + name + "/-/" + name + "-1.0.1.tgz"}
		}
		new = append(new, c)
	}
	return old, new
}

// BenchmarkDiffScale diffs BOMs of 3·10^3 to 3·10^5 components: the time
// per component (ns/component) stays flat when the diff is linear.
func BenchmarkDiffScale(b *testing.B) {
	for _, n := range []int{3_000, 30_000, 300_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			o, nw := scaleBOMs(n)
			ob, nb := testBOM(o), testBOM(nw)
			b.ResetTimer()
			for range b.N {
				DiffBOMs(ob, nb)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/component")
		})
	}
}

// BenchmarkDiffServiceEndpoints diffs BOMs whose one service has 10^3 to
// 10^5 endpoints (a build that called as many URLs of one host): the time
// per endpoint stays flat when the diff is linear.
func BenchmarkDiffServiceEndpoints(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			bom := func(v int) *cdx.BOM {
				eps := make([]string, n)
				for i := range eps {
					eps[i] = fmt.Sprintf("https://api.example.com/v%d/items/%d", v, i)
				}
				return &cdx.BOM{Services: &[]cdx.Service{{Name: "api.example.com", Endpoints: &eps}}}
			}
			ob, nb := bom(1), bom(2)
			b.ResetTimer()
			for range b.N {
				DiffBOMs(ob, nb)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/endpoint")
		})
	}
}
