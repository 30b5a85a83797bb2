package sealed

import (
	"net"
	"time"
)

// Kinds of connection, by their first bytes.
const (
	kindUnknown = iota
	kindTLS
	kindHTTP
	kindOther
)

// httpMethods are the request methods a plain HTTP connection may start with.
var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "PROPFIND", "MKCOL", "REPORT"}

// classify tells TLS (a handshake record of TLS 1.x) and HTTP (a method
// and a space) from anything else by a connection's first bytes;
// kindUnknown means more bytes are needed.
func classify(b []byte) int {
	if len(b) == 0 {
		return kindUnknown
	}
	if b[0] == 0x16 {
		if len(b) < 2 {
			return kindUnknown
		}
		if b[1] == 0x03 {
			return kindTLS
		}
		return kindOther
	}
	undecided := false
	for _, m := range httpMethods {
		m += " "
		switch {
		case len(b) >= len(m) && string(b[:len(m)]) == m:
			return kindHTTP
		case len(b) < len(m) && string(b) == m[:len(b)]:
			undecided = true
		}
	}
	if undecided {
		return kindUnknown
	}
	return kindOther
}

// sniff reads a connection's first bytes until they tell its kind, for at
// most wait; it returns the kind and the bytes read.
func sniff(c net.Conn, wait time.Duration) (int, []byte) {
	c.SetReadDeadline(time.Now().Add(wait))
	defer c.SetReadDeadline(time.Time{})
	buf := make([]byte, 0, 16)
	for {
		n, err := c.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if k := classify(buf); k != kindUnknown {
			return k, buf
		}
		if err != nil || len(buf) == cap(buf) {
			return kindOther, buf
		}
	}
}
