package lines

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	in := "short\r\n" + strings.Repeat("x", 40) + "\nten chars!\n" + strings.Repeat("y", 30) + "\nlast"
	br := bufio.NewReaderSize(strings.NewReader(in), 16)
	type got struct {
		line string
		err  error
	}
	want := []got{{"short", nil}, {"", ErrTooLong}, {"ten chars!", nil}, {"", ErrTooLong}, {"last", ErrNoNewline}, {"", io.EOF}}
	for i, w := range want {
		line, err := Read(br, 20)
		if string(line) != w.line || !errors.Is(err, w.err) {
			t.Errorf("line %d: %q, %v; want %q, %v", i, line, err, w.line, w.err)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("a\nbb\r\n\nccc"), 2)
	f.Fuzz(func(t *testing.T, data []byte, max int) {
		if max < 1 || max > 1<<16 {
			return
		}
		br := bufio.NewReaderSize(strings.NewReader(string(data)), 16)
		for range len(data) + 2 {
			line, err := Read(br, max)
			if len(line) > max {
				t.Fatalf("line of %d bytes, bound %d", len(line), max)
			}
			if err == io.EOF {
				return
			}
			if err != nil && err != ErrTooLong && err != ErrNoNewline {
				t.Fatal(err)
			}
		}
		t.Fatal("no end")
	})
}
