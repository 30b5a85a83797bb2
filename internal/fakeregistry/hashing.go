package fakeregistry

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
	"net/http"
)

// hashingWriter hashes and counts the body bytes a handler writes.
type hashingWriter struct {
	http.ResponseWriter
	code           int
	n              int64
	h256, h512, h1 hash.Hash
}

func newHashingWriter(w http.ResponseWriter) *hashingWriter {
	return &hashingWriter{ResponseWriter: w, h256: sha256.New(), h512: sha512.New(), h1: sha1.New()}
}

func (w *hashingWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *hashingWriter) Write(p []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	w.h256.Write(p[:n])
	w.h512.Write(p[:n])
	w.h1.Write(p[:n])
	return n, err
}

// Flush lets streaming handlers (git http-backend through CGI) flush.
func (w *hashingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController access to the underlying writer.
func (w *hashingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *hashingWriter) status() int {
	if w.code == 0 {
		return http.StatusOK
	}
	return w.code
}

func (w *hashingWriter) sum256() string { return hex.EncodeToString(w.h256.Sum(nil)) }
func (w *hashingWriter) sum512() string { return hex.EncodeToString(w.h512.Sum(nil)) }
func (w *hashingWriter) sum1() string   { return hex.EncodeToString(w.h1.Sum(nil)) }
