package capture

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"testing"
)

// benchSizes are body sizes typical of what builds fetch: a small metadata
// answer, a packument, a package archive and a large artifact.
var benchSizes = []int{1 << 10, 64 << 10, 1 << 20, 16 << 20}

// BenchmarkMultiHasher measures hashing one body with SHA-256, SHA-512 and
// SHA-1, written in 32 KiB pieces as the proxy's body copy does.
func BenchmarkMultiHasher(b *testing.B) {
	for _, size := range benchSizes {
		body := make([]byte, size)
		for i := range body {
			body[i] = byte(i * 7)
		}
		b.Run(sizeName(size), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				m := NewMultiHasher()
				for p := body; len(p) > 0; {
					n := min(len(p), 32<<10)
					m.Write(p[:n])
					p = p[n:]
				}
				if d := m.Sum(); len(d.SHA256) != 64 {
					b.Fatal("bad digest")
				}
			}
		})
	}
}

// BenchmarkSequentialHashes is the baseline MultiHasher improves on: the
// three hashes one after the other on the reading goroutine.
func BenchmarkSequentialHashes(b *testing.B) {
	for _, size := range benchSizes {
		body := make([]byte, size)
		b.Run(sizeName(size), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				h256, h512, h1 := sha256.New(), sha512.New(), sha1.New()
				for p := body; len(p) > 0; {
					n := min(len(p), 32<<10)
					h256.Write(p[:n])
					h512.Write(p[:n])
					h1.Write(p[:n])
					p = p[n:]
				}
				h256.Sum(nil)
				h512.Sum(nil)
				h1.Sum(nil)
			}
		})
	}
}

// BenchmarkMultiHasherAbort measures a body abandoned half way (a client
// that aborts a download): the background hashers must be released.
func BenchmarkMultiHasherAbort(b *testing.B) {
	body := make([]byte, 1<<20)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		m := NewMultiHasher()
		m.Write(body)
		m.Abort()
	}
}

func sizeName(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}
