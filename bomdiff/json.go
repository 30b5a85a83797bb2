package bomdiff

import (
	"encoding/json"
	"fmt"
	"io"
)

// diffJSON is the JSON document of a diff: the Diff's arrays plus a summary.
type diffJSON struct {
	*Diff
	Summary diffSummaryJSON `json:"summary"`
}

// diffSummaryJSON counts each category and says whether the BOMs are
// equivalent.
type diffSummaryJSON struct {
	Equivalent bool             `json:"equivalent"`
	Counts     map[Category]int `json:"counts"`
	Unchanged  int              `json:"unchanged"`
}

// WriteJSON writes the diff as one JSON object with the arrays added,
// removed, upgraded, downgraded, changed, hash_changed, url_changed,
// services_added and services_removed (always present, possibly empty),
// the count of unchanged package versions and a summary.
func (d *Diff) WriteJSON(w io.Writer) error {
	c := *d
	c.normalize()
	doc := diffJSON{Diff: &c, Summary: diffSummaryJSON{
		Equivalent: c.Equivalent(),
		Counts:     map[Category]int{},
		Unchanged:  c.Unchanged,
	}}
	for _, cat := range Categories() {
		doc.Summary.Counts[cat] = c.Count(cat)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing diff as JSON: %w", err)
	}
	return nil
}

// normalize replaces nil lists by empty ones so that JSON shows [].
func (d *Diff) normalize() {
	if d.Added == nil {
		d.Added = []PackageRef{}
	}
	if d.Removed == nil {
		d.Removed = []PackageRef{}
	}
	if d.Upgraded == nil {
		d.Upgraded = []VersionChange{}
	}
	if d.Downgraded == nil {
		d.Downgraded = []VersionChange{}
	}
	if d.Changed == nil {
		d.Changed = []VersionChange{}
	}
	if d.HashChanged == nil {
		d.HashChanged = []HashChange{}
	}
	if d.VerificationChanged == nil {
		d.VerificationChanged = []VerificationChange{}
	}
	if d.URLChanged == nil {
		d.URLChanged = []URLChange{}
	}
	if d.ServicesAdded == nil {
		d.ServicesAdded = []ServiceRef{}
	}
	if d.ServicesRemoved == nil {
		d.ServicesRemoved = []ServiceRef{}
	}
}
