package verify

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/depaudit/depaudit/capture"
)

// bigPackument writes a full packument of about size bytes: versions with
// dependency maps, scripts and a per-version readme, as old popular
// packages have, plus a large top-level readme and time map.
func bigPackument(w io.Writer, size int) (versions int) {
	_, _, s1, sri := sums([]byte("tgz"))
	readme := bytes.Repeat([]byte("lorem ipsum "), 200)
	fmt.Fprintf(w, `{"_id":"big","name":"big","dist-tags":{"latest":"1.0.0"},"readme":%q,"versions":{`, bytes.Repeat(readme, 50))
	n := 0
	for written := 0; written < size; versions++ {
		if versions > 0 {
			io.WriteString(w, ",")
		}
		v := fmt.Sprintf("1.%d.%d", versions/100, versions%100)
		m, _ := fmt.Fprintf(w, `%q:{"name":"big","version":%q,"description":"a package","readme":%q,"dependencies":{"a":"^1.0.0","b":"~2.3.4","c":"*"},"scripts":{"test":"node test.js"},"dist":{"integrity":%q,"shasum":%q,"tarball":"https://registry.npmjs.org/big/-/big-%s.tgz","fileCount":12,"unpackedSize":12345},"_npmUser":{"name":"someone","email":"s@example.com"}}`,
			v, v, readme, sri, s1, v)
		written += m
		n++
	}
	io.WriteString(w, `},"time":{`)
	for i := range versions {
		if i > 0 {
			io.WriteString(w, ",")
		}
		fmt.Fprintf(w, `"1.%d.%d":"2020-01-01T00:00:00.000Z"`, i/100, i%100)
	}
	io.WriteString(w, `},"license":"MIT"}`)
	return versions
}

// BenchmarkPackument30MB generates a 30 MB packument on the fly and
// streams it through the npm inspector in the writes the generator makes,
// as the proxy would pass a body on. The document is never in memory: the
// peak heap in use (sampled every millisecond, garbage not yet collected
// included) shows what the parser needs, which stays a few MiB whatever
// the document's size. B/op includes the generator's own allocations.
func BenchmarkPackument30MB(b *testing.B) {
	fn := NewInspectFunc(defaultClassifier(), Options{})
	x := &capture.Exchange{Method: "GET", URL: "https://registry.npmjs.org/big", Status: 200, ContentType: "application/json"}
	var size countingWriter
	versions := bigPackument(&size, 30<<20)
	b.SetBytes(int64(size))
	b.ReportAllocs()
	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
		}
	})
	b.ResetTimer()
	for b.Loop() {
		in := fn(x)
		bigPackument(in, 30<<20)
		if got := in.Finish(true); len(got) != 2*versions {
			b.Fatalf("%d digests, want %d", len(got), 2*versions)
		}
	}
	b.StopTimer()
	close(stop)
	wg.Wait()
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(size)/(1<<20), "doc-MiB")
}

// countingWriter counts the bytes written to it.
type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
