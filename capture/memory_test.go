package capture

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// TestLargeBodyFlatMemory streams a 1 GiB body through the proxy and
// samples the heap while it passes: bodies are never buffered whole, so the
// peak stays far below the body size. (-short and -race use 128 MiB: the
// race detector slows the copy tenfold, and the bound does not depend on
// the size.)
func TestLargeBodyFlatMemory(t *testing.T) {
	size := int64(1 << 30)
	if testing.Short() || raceEnabled {
		size = 128 << 20
	}
	var servedSum atomic.Value
	tp := newTestProxy(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		buf := make([]byte, 256<<10)
		for i := range buf {
			buf[i] = byte(i*31 + i>>8)
		}
		h := sha256.New()
		for sent := int64(0); sent < size; {
			n := int64(len(buf))
			if size-sent < n {
				n = size - sent
			}
			buf[0]++ // vary the content
			h.Write(buf[:n])
			if _, err := w.Write(buf[:n]); err != nil {
				return
			}
			sent += n
		}
		servedSum.Store(hex.EncodeToString(h.Sum(nil)))
	}), false)

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
		}
	}()
	resp, err := tp.client(t, false).Get("https://example.com/huge.bin")
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	close(stop)
	<-sampled
	if err != nil || n != size {
		t.Fatalf("client read %d bytes, err %v", n, err)
	}
	x := tp.rec.waitFor(t, 1)[0]
	if !x.Complete || x.Bytes != size || x.SHA256 != servedSum.Load() {
		t.Errorf("exchange %+v, served sha256 %v", x, servedSum.Load())
	}
	grown := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("heap in use: %d MiB before, peak %d MiB (+%d MiB) for a %d MiB body (origin, client and proxy in one process)",
		base.HeapInuse>>20, peak.Load()>>20, grown>>20, size>>20)
	if grown > 48<<20 {
		t.Errorf("heap grew by %d MiB while streaming %d MiB: bodies are being buffered", grown>>20, size>>20)
	}
}
