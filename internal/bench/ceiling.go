package main

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"hash"
	"runtime"
	"time"
)

// hashRates measures how many bytes per second one core hashes with each of
// the proxy's three digests, over 64 MiB written 1 MiB at a time.
func hashRates() (sha512Rate, sha256Rate, sha1Rate float64) {
	buf := make([]byte, 1<<20)
	rate := func(h hash.Hash) float64 {
		const rounds = 64
		start := time.Now()
		for range rounds {
			h.Write(buf)
		}
		h.Sum(nil)
		return float64(rounds*len(buf)) / time.Since(start).Seconds()
	}
	return rate(sha512.New()), rate(sha256.New()), rate(sha1.New())
}

// hashCeilingNote explains the throughput target in cores: what SHA-256
// alone costs at the target rate (and what the three digests would), against
// the cores the machine has.
func hashCeilingNote(target float64) string {
	r512, r256, r1 := hashRates()
	return fmt.Sprintf("at the target (%s) SHA-256 alone keeps %.2f of the %d cores busy (the three digests would keep %.2f; one core hashes SHA-512 at %s, SHA-256 at %s, SHA-1 at %s); "+
		"TLS in and out of the proxy, the client and the origin need the rest: see the throughput profile (-profile)",
		mbps(target), target/r256, runtime.NumCPU(), target/r512+target/r256+target/r1, mbps(r512), mbps(r256), mbps(r1))
}
