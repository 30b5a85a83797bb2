// Package lines reads lines of bounded length, for the line-oriented
// formats depaudit reads from a stream (its capture log, Helm's index.yaml).
package lines

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// ErrTooLong is returned for a line longer than the bound; the rest of the
// line has been read and dropped.
var ErrTooLong = errors.New("line too long")

// ErrNoNewline comes with the last line of a stream that does not end with
// a newline: the line is whole as far as the stream goes.
var ErrNoNewline = errors.New("last line has no newline")

// Read reads one line of at most max bytes from br and returns it without
// its line ending ("\n" or "\r\n"). A longer line is read to its end and
// dropped (ErrTooLong); the last line without a newline comes with
// ErrNoNewline; at the end of the stream it returns io.EOF. The line is a
// new slice when it spans the buffer, else it aliases br's buffer until
// the next read.
func Read(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	long := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !long {
			if line == nil && err == nil {
				line = chunk
			} else {
				line = append(line, chunk...)
			}
			if len(line) > max {
				long, line = true, nil
			}
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case long && (err == nil || err == io.EOF):
			return nil, ErrTooLong
		case err == io.EOF:
			if len(line) > 0 {
				return line, ErrNoNewline
			}
			return nil, io.EOF
		case err != nil:
			return nil, err
		}
		return bytes.TrimRight(line, "\r\n"), nil
	}
}

// Counter is a reader that counts the bytes read through it. Under a
// bufio.Reader, N minus the reader's Buffered is where the next line
// starts.
type Counter struct {
	R io.Reader
	N int64
}

// Read reads from R and counts what it read.
func (c *Counter) Read(p []byte) (int, error) {
	n, err := c.R.Read(p)
	c.N += int64(n)
	return n, err
}
