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

// Hashes is a set of optional digests a body gets beside SHA-256, which
// every body gets. The zero value is SHA-256 alone.
type Hashes uint8

const (
	// HashSHA512 adds SHA-512.
	HashSHA512 Hashes = 1 << iota
	// HashSHA1 adds SHA-1.
	HashSHA1
	// AllHashes is SHA-256, SHA-512 and SHA-1.
	AllHashes = HashSHA512 | HashSHA1
)

// HashesFunc decides, when a response starts, which digests beyond SHA-256
// its body gets: those its publisher lists or the user's rules ask for. x
// holds the request and response fields known at that point; it must not
// be kept.
type HashesFunc func(x *Exchange) Hashes

// emptyDigests are the digests of an empty body (constants, computed once).
var emptyDigests = NewMultiHasher().Sum()

// only returns d without the digests outside hs.
func (d Digests) only(hs Hashes) Digests {
	if hs&HashSHA512 == 0 {
		d.SHA512 = ""
	}
	if hs&HashSHA1 == 0 {
		d.SHA1 = ""
	}
	return d
}

// inlineLimit is how many bytes are hashed on the reading goroutine before
// hashing moves to background goroutines: small bodies (most metadata) are
// cheaper hashed inline than handed over.
const inlineLimit = 64 << 10

// chunkSize is the size of the buffers handed to the background hashers.
const chunkSize = 64 << 10

// hashQueue bounds the chunks in flight per body (memory: hashQueue*chunkSize).
const hashQueue = 8

var chunkPool = sync.Pool{New: func() any { b := make([]byte, 0, chunkSize); return &b }}

// MultiHasher computes SHA-256 of a stream and, as asked, SHA-512 and
// SHA-1. Once more than a small prefix has been written, the digests are computed in
// parallel on background goroutines, each fed from one shared copy of the
// data, so a large body costs one copy and runs at the speed of the slowest
// hash rather than the sum of them. Memory stays bounded: writers block
// when the hashers fall behind by more than a few chunks.
//
// Write must not be called concurrently; Sum must be called once, after the
// last Write, and releases the background goroutines.
type MultiHasher struct {
	hs      []hash.Hash
	kinds   Hashes
	written int64
	async   bool
	queues  []chan *chunk
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

// NewMultiHasher returns a hasher of SHA-256, SHA-512 and SHA-1 ready for
// writes.
func NewMultiHasher() *MultiHasher { return NewHasher(AllHashes) }

// NewHasher returns a hasher ready for writes of SHA-256 and the digests
// in hs.
func NewHasher(hs Hashes) *MultiHasher {
	m := &MultiHasher{kinds: hs, hs: make([]hash.Hash, 1, 3)}
	m.hs[0] = sha256.New()
	if hs&HashSHA512 != 0 {
		m.hs = append(m.hs, sha512.New())
	}
	if hs&HashSHA1 != 0 {
		m.hs = append(m.hs, sha1.New())
	}
	return m
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
	m.queues = make([]chan *chunk, len(m.hs))
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

// flush hands the current chunk to the hashers and returns its buffer
// to the pool once all of them are done with it.
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
	d := Digests{SHA256: hex.EncodeToString(m.hs[0].Sum(nil))}
	i := 1
	if m.kinds&HashSHA512 != 0 {
		d.SHA512 = hex.EncodeToString(m.hs[i].Sum(nil))
		i++
	}
	if m.kinds&HashSHA1 != 0 {
		d.SHA1 = hex.EncodeToString(m.hs[i].Sum(nil))
	}
	return d
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
