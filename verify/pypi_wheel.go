package verify

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/depaudit/depaudit/capture"
)

// Zip record signatures (APPNOTE.TXT 4.3).
const (
	zipLocalHeader    = 0x04034b50
	zipDataDescriptor = 0x08074b50
	zipFlagDescriptor = 0x8
	zipStored         = 0
	zipDeflated       = 8
)

// parseWheel reads, as a wheel streams, its .dist-info/METADATA (the core
// metadata PEP 658 serves apart, for indexes that do not) and emits its
// licence and requirements as parsePyPICoreMetadata does. A zip's
// directory is at its end, so the local file headers are followed one by
// one; an entry stored with a data descriptor (its size known only after
// it) ends the reading without facts, as a wheel without METADATA does.
func parseWheel(r io.Reader, p plan, emit func(capture.Digest)) error {
	subject := pypiSubject(p.f.PURL)
	if subject == "" {
		return nil
	}
	meta, err := wheelMetadata(bufio.NewReaderSize(r, 32<<10))
	if err != nil || meta == nil {
		return err
	}
	return emitCoreMetadata(subject, bytes.NewReader(meta), emit)
}

// wheelMetadata returns the top .dist-info directory's METADATA of the
// zip br streams, at most maxCoreMetadata bytes of it; nil when the zip
// has none or it cannot be found without its directory.
func wheelMetadata(br *bufio.Reader) ([]byte, error) {
	for {
		var fixed [30]byte
		if _, err := io.ReadFull(br, fixed[:4]); err != nil {
			return nil, fmt.Errorf("wheel: %w", err)
		}
		if binary.LittleEndian.Uint32(fixed[:4]) != zipLocalHeader {
			return nil, nil // the central directory: no METADATA before it
		}
		if _, err := io.ReadFull(br, fixed[4:]); err != nil {
			return nil, fmt.Errorf("wheel: local header: %w", err)
		}
		flags := binary.LittleEndian.Uint16(fixed[6:])
		method := binary.LittleEndian.Uint16(fixed[8:])
		csize := uint64(binary.LittleEndian.Uint32(fixed[18:]))
		nameLen := int(binary.LittleEndian.Uint16(fixed[26:]))
		extraLen := int(binary.LittleEndian.Uint16(fixed[28:]))
		nameExtra := make([]byte, nameLen+extraLen)
		if _, err := io.ReadFull(br, nameExtra); err != nil {
			return nil, fmt.Errorf("wheel: local header: %w", err)
		}
		name := string(nameExtra[:nameLen])
		zip64 := false
		if csize == 0xFFFFFFFF {
			if csize, zip64 = zip64Size(nameExtra[nameLen:]); !zip64 {
				return nil, errors.New("wheel: zip64 entry without its sizes")
			}
		}
		descriptor := flags&zipFlagDescriptor != 0
		meta := isWheelMetadata(name)
		entry := io.LimitReader(br, int64(csize)) // the entry's bytes, when its size is known
		if !descriptor && !meta {
			// Skipped without inflating: a wheel of gigabytes costs a copy.
			if _, err := io.Copy(io.Discard, entry); err != nil {
				return nil, fmt.Errorf("wheel: %s: %w", name, err)
			}
			continue
		}
		var data io.Reader
		switch {
		case method == zipStored && !descriptor:
			data = entry
		case method == zipDeflated && !descriptor:
			data = flate.NewReader(entry)
		case method == zipDeflated:
			// The deflate stream ends itself; br is a ByteReader, so
			// flate reads nothing past that end.
			data = flate.NewReader(br)
		default:
			return nil, nil // no way past this entry without the directory
		}
		if meta {
			b, err := io.ReadAll(io.LimitReader(data, maxCoreMetadata))
			if err != nil {
				return nil, fmt.Errorf("wheel: %s: %w", name, err)
			}
			return b, nil
		}
		if _, err := io.Copy(io.Discard, data); err != nil {
			return nil, fmt.Errorf("wheel: %s: %w", name, err)
		}
		if descriptor {
			if err := skipDataDescriptor(br, zip64); err != nil {
				return nil, err
			}
		}
	}
}

// isWheelMetadata reports whether name is NAME-VERSION.dist-info/METADATA
// at the top of the wheel.
func isWheelMetadata(name string) bool {
	dir, file := path.Split(name)
	return file == "METADATA" && strings.Count(dir, "/") == 1 && strings.HasSuffix(dir, ".dist-info/")
}

// zip64Size reads the compressed size from a zip64 extended information
// extra field (the uncompressed size first, then the compressed one).
func zip64Size(extra []byte) (uint64, bool) {
	for len(extra) >= 4 {
		id, size := binary.LittleEndian.Uint16(extra), int(binary.LittleEndian.Uint16(extra[2:]))
		if len(extra) < 4+size {
			return 0, false
		}
		if id == 0x0001 && size >= 16 {
			return binary.LittleEndian.Uint64(extra[12:]), true
		}
		extra = extra[4+size:]
	}
	return 0, false
}

// skipDataDescriptor reads the data descriptor after an entry: an optional
// signature, the CRC-32 and both sizes (8 bytes each in zip64).
func skipDataDescriptor(br *bufio.Reader, zip64 bool) error {
	n := 12
	if zip64 {
		n = 20
	}
	head, err := br.Peek(4)
	if err != nil {
		return fmt.Errorf("wheel: data descriptor: %w", err)
	}
	if binary.LittleEndian.Uint32(head) == zipDataDescriptor {
		n += 4
	}
	if _, err := br.Discard(n); err != nil {
		return fmt.Errorf("wheel: data descriptor: %w", err)
	}
	return nil
}

// parseSdist reads, as a source distribution (.tar.gz) streams, the
// PKG-INFO at its top and emits its licence, and its requirements when
// they are to be trusted: Metadata-Version 2.2 or later and Requires-Dist
// not marked Dynamic (PEP 643); older sdists' requirements are whatever
// the build backend computes when pip builds them, so they stay unknown.
func parseSdist(r io.Reader, p plan, emit func(capture.Digest)) error {
	subject := pypiSubject(p.f.PURL)
	if subject == "" {
		return nil
	}
	data, err := topFile(r, "PKG-INFO", maxCoreMetadata)
	if err != nil || data == nil {
		return err
	}
	h, err := readCoreMetadataHeaders(bytes.NewReader(data))
	if err != nil {
		return err
	}
	manifest := pypiManifestPKGINFO
	if !metadataVersionAtLeast(h.get("Metadata-Version"), 2, 2) {
		manifest = pypiManifestPKGINFODynamic
	}
	for _, d := range h["dynamic"] {
		if strings.EqualFold(strings.TrimSpace(d.value), "Requires-Dist") {
			manifest = pypiManifestPKGINFODynamic
		}
	}
	return emitCoreHeaders(subject, h, manifest, emit)
}

// metadataVersionAtLeast reports whether a Metadata-Version ("2.1") is at
// least major.minor.
func metadataVersionAtLeast(v string, major, minor int) bool {
	var ma, mi int
	if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma > major || (ma == major && mi >= minor)
}
