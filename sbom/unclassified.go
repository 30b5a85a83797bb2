package sbom

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteUnclassified writes calls as an indented JSON array of objects
// {host, method, url, status, bytes, count}; an empty list is written as [].
func WriteUnclassified(w io.Writer, calls []UnclassifiedCall) error {
	if calls == nil {
		calls = []UnclassifiedCall{}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(calls); err != nil {
		return fmt.Errorf("write unclassified calls: %w", err)
	}
	return nil
}
