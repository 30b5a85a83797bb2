package capture

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"sync"
	"sync/atomic"
)

// Digests are the hex digests of one body.
type Digests struct {
	SHA256, SHA512, SHA1 string
}

// emptyDigests are the digests of an empty body (constants, computed once).
var emptyDigests = NewMultiHasher().Sum()

// inlineLimit is how many bytes are hashed on the reading goroutine before
// hashing moves to background goroutines: small bodies (most metadata) are
// cheaper hashed inline than handed over.
const inlineLimit = 64 << 10

// chunkSize is the size of the buffers handed to the background hashers.
const chunkSize = 64 << 10

// hashQueue bounds the chunks in flight per body (memory: hashQueue*chunkSize).
const hashQueue = 8

var chunkPool = sync.Pool{New: func() any { b := make([]byte, 0, chunkSize); return &b }}

// MultiHasher computes SHA-256, SHA-512 and SHA-1 of a stream. Once more
// than a small prefix has been written, the three digests are computed in
// parallel on background goroutines, each fed from one shared copy of the
// data, so a large body costs one copy and runs at the speed of the slowest
// hash rather than the sum of the three. Memory stays bounded: writers block
// when the hashers fall behind by more than a few chunks.
//
// Write must not be called concurrently; Sum must be called once, after the
// last Write, and releases the background goroutines.
type MultiHasher struct {
	hs      [3]hash.Hash
	written int64
	async   bool
	queues  [3]chan *chunk
	done    sync.WaitGroup
	cur     *chunk
}

type chunk struct {
	buf  *[]byte
	refs atomic.Int32
}

// release drops one reference; the last one returns the buffer to the pool.
func (c *chunk) release() {
	if c.refs.Add(-1) == 0 {
		chunkPool.Put(c.buf)
	}
}

// NewMultiHasher returns a hasher ready for writes.
func NewMultiHasher() *MultiHasher {
	return &MultiHasher{hs: [3]hash.Hash{sha256.New(), sha512.New(), sha1.New()}}
}

// Write hashes p. It never fails.
func (m *MultiHasher) Write(p []byte) (int, error) {
	n := len(p)
	if !m.async && m.written+int64(n) <= inlineLimit {
		for _, h := range m.hs {
			h.Write(p)
		}
		m.written += int64(n)
		return n, nil
	}
	if !m.async {
		m.start()
	}
	m.written += int64(n)
	for len(p) > 0 {
		if m.cur == nil {
			m.cur = &chunk{buf: chunkPool.Get().(*[]byte)}
			*m.cur.buf = (*m.cur.buf)[:0]
		}
		b := *m.cur.buf
		k := copy(b[len(b):cap(b)], p)
		*m.cur.buf = b[:len(b)+k]
		p = p[k:]
		if len(*m.cur.buf) == cap(*m.cur.buf) {
			m.flush()
		}
	}
	return n, nil
}

func (m *MultiHasher) start() {
	m.async = true
	for i := range m.hs {
		q := make(chan *chunk, hashQueue)
		m.queues[i] = q
		m.done.Add(1)
		go func(h hash.Hash) {
			defer m.done.Done()
			for c := range q {
				h.Write(*c.buf)
				c.release()
			}
		}(m.hs[i])
	}
}

// flush hands the current chunk to the three hashers and returns its buffer
// to the pool once all three are done with it.
func (m *MultiHasher) flush() {
	c := m.cur
	m.cur = nil
	if c == nil || len(*c.buf) == 0 {
		if c != nil {
			chunkPool.Put(c.buf)
		}
		return
	}
	c.refs.Store(int32(len(m.queues)))
	for _, q := range m.queues {
		q <- c
	}
}

// Written returns the number of bytes written so far.
func (m *MultiHasher) Written() int64 { return m.written }

// Sum waits for the background hashers and returns the digests.
func (m *MultiHasher) Sum() Digests {
	if m.async {
		m.flush()
		for _, q := range m.queues {
			close(q)
		}
		m.done.Wait()
		m.async = false
	}
	return Digests{
		SHA256: hex.EncodeToString(m.hs[0].Sum(nil)),
		SHA512: hex.EncodeToString(m.hs[1].Sum(nil)),
		SHA1:   hex.EncodeToString(m.hs[2].Sum(nil)),
	}
}

// Abort releases the background goroutines without computing digests.
func (m *MultiHasher) Abort() {
	if m.async {
		if m.cur != nil {
			chunkPool.Put(m.cur.buf)
			m.cur = nil
		}
		for _, q := range m.queues {
			close(q)
		}
		m.done.Wait()
		m.async = false
	}
}
