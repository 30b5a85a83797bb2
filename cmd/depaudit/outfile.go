package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Outputs never destroy what stands at their path. A regular file is
// replaced whole (a temporary file renamed over it); a device or a FIFO is
// written in place (-o /dev/null stays /dev/null, a FIFO's reader gets the
// document); a symbolic link is written through. In a sticky directory
// (/tmp), where anyone may plant a file, a symbolic link or a file that
// neither the user nor the directory's owner owns is refused, as the
// kernel's protected_symlinks and protected_regular settings do: depaudit
// never follows a link planted by another user, nor truncates another
// user's file.

// errPlanted is the error for what another user planted in a sticky
// directory.
var errPlanted = errors.New("belongs to another user in a shared (sticky) directory; refusing to follow or overwrite it")

// fileOwner returns the uid owning fi.
func fileOwner(fi os.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}

// checkPlanted refuses fi, what Lstat found at path, when it is a symbolic
// link or a regular file that another user planted in a sticky directory.
func checkPlanted(path string, fi os.FileInfo) error {
	if !fi.Mode().IsRegular() && fi.Mode()&fs.ModeSymlink == 0 {
		return nil
	}
	owner := fileOwner(fi)
	if owner == os.Geteuid() {
		return nil
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		return err
	}
	if dir.Mode()&fs.ModeSticky == 0 || owner == fileOwner(dir) {
		return nil
	}
	return fmt.Errorf("%s (uid %d) %w", path, owner, errPlanted)
}

// resolveOutput follows path through the symbolic links the user may
// follow and returns what stands at the end: the path to write and its
// Lstat, nil when nothing is there yet.
func resolveOutput(path string) (string, os.FileInfo, error) {
	for range 40 {
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		if err := checkPlanted(path, fi); err != nil {
			return "", nil, err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, fi, nil
		}
		target, err := os.Readlink(path)
		if err != nil {
			return "", nil, err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(path), target)
		}
		path = target
	}
	return "", nil, errors.New("too many levels of symbolic links")
}

// isStream reports whether fi is written in place: a device, a FIFO or a
// socket, never replaced.
func isStream(fi os.FileInfo) bool {
	return fi != nil && fi.Mode()&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0
}

// writeFileSafely writes data to path: in place for a device or a FIFO,
// through symbolic links, and for a regular file (or none) into a
// temporary file beside it renamed into place, so that readers never see
// half a file and a failure leaves any previous file intact.
func writeFileSafely(path string, data []byte) error {
	target, fi, err := resolveOutput(path)
	if err != nil {
		return bareError(err)
	}
	switch {
	case isStream(fi):
		f, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return bareError(err)
		}
		if _, err := f.Write(data); err != nil {
			f.Close()
			return bareError(err)
		}
		return bareError(f.Close())
	case fi != nil && fi.IsDir():
		return errors.New("is a directory")
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return bareError(err)
	}
	name := tmp.Name()
	defer os.Remove(name) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return bareError(err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return bareError(err)
	}
	if err := tmp.Close(); err != nil {
		return bareError(err)
	}
	return bareError(os.Rename(name, target))
}

// captureLog is where a build writes its capture log.
type captureLog struct {
	// file holds the log and is read back: the file at the path, or, when
	// the path is a device or a FIFO, a private temporary copy.
	file *os.File
	// w receives the log: file, and the device or FIFO if there is one.
	w io.Writer
	// stream, when set, is the device or FIFO at the path.
	stream *os.File
}

// openCaptureLog opens the capture log at path for a build: a regular
// file (or none yet) is created or emptied and written in place, never
// following a link or emptying a file another user planted in a sticky
// directory. A device or a FIFO gets the log written to it in place
// (--capture /dev/null discards it on purpose), while the build reads the
// log back from a private temporary copy, removed at the end.
func openCaptureLog(path string) (*captureLog, error) {
	target, fi, err := resolveOutput(path)
	if err != nil {
		return nil, err
	}
	if isStream(fi) {
		stream, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		tmp, err := os.CreateTemp("", "depaudit-capture-*.jsonl")
		if err != nil {
			stream.Close()
			return nil, fmt.Errorf("temporary copy of the capture log: %w", err)
		}
		os.Remove(tmp.Name()) // private to this process, gone when closed
		return &captureLog{file: tmp, w: io.MultiWriter(tmp, stream), stream: stream}, nil
	}
	if fi != nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", target)
	}
	flags := os.O_RDWR | os.O_APPEND | syscall.O_NOFOLLOW
	if fi == nil {
		flags |= os.O_CREATE | os.O_EXCL
	}
	f, err := os.OpenFile(target, flags, 0o644)
	if err != nil {
		return nil, err
	}
	if fi != nil {
		// Empty it only once sure it is the file checked, not one that
		// replaced it since.
		now, err := f.Stat()
		if err != nil || !os.SameFile(fi, now) {
			f.Close()
			return nil, fmt.Errorf("%s changed while it was opened", target)
		}
		if err := f.Truncate(0); err != nil {
			f.Close()
			return nil, err
		}
	}
	return &captureLog{file: f, w: f}, nil
}

// Close closes the log's files.
func (c *captureLog) Close() error {
	err := c.file.Close()
	if c.stream != nil {
		if serr := c.stream.Close(); err == nil {
			err = serr
		}
	}
	return err
}
