// Package htmlreport writes the report of one build that people look at:
// a single self-contained HTML page (inline CSS and JavaScript, no network,
// opens from a CI artifact or file://).
//
// The page shows the build at a glance (command, exit code, duration,
// requests, bytes, packages per ecosystem, verification counts, with the
// digest mismatches and policy violations first, in red), a zoomable
// waterfall of every request on the capture log's clock, and sortable,
// filterable tables of the packages, hosts, requests, failures, violations
// and, with a baseline, the diff.
//
// The waterfall is plain SVG, no charting library: one <rect> per request
// in a viewBox whose x axis is milliseconds, so zooming and panning only
// change the viewBox (the browser rescales), hovering is one event
// listener, and every bar is an element a test can count. The data is
// embedded once, as column arrays of numbers indexing one table of
// distinct strings, so a URL or host is written once however many
// requests use it.
package htmlreport

import (
	"bytes"
	"cmp"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/depaudit/depaudit/capture"
	"github.com/depaudit/depaudit/view"
)

//go:embed report.html.tmpl
var pageTemplate string

//go:embed report.css
var pageCSS string

//go:embed report.js
var pageJS string

// page is the page's template, parsed when a report is first written
// (not when every depaudit command starts).
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"bytes": humanBytes,
	}).Parse(pageTemplate))
})

// ExchangesFunc calls fn with every request of the capture log and what
// it fetched: the ecosystem ("" when none) and the kind (artifact,
// metadata, sidecar, api, unclassified), in any order, stopping at fn's
// first error. fn does not keep x. audit.Report.EachExchange is one.
type ExchangesFunc func(fn func(x *capture.Exchange, ecosystem, kind string) error) error

// Input is what the report is made of.
type Input struct {
	// Log is the build's capture log: its header, trailer and damage.
	Log *capture.Log
	// Build is what people are shown of the build (figures, packages,
	// verification, violations, diff), from the same capture log.
	Build *view.Build
	// Exchanges gives the requests, each one bar of the waterfall; nil
	// gives Log.Exchanges, unclassified unless they fetched a package's
	// bytes.
	Exchanges ExchangesFunc
	// Generated is when the report was written (shown on the page); zero
	// leaves it out.
	Generated time.Time
}

// Write writes the report page to w.
func Write(w io.Writer, in Input) error {
	if in.Log == nil || in.Build == nil {
		return fmt.Errorf("html report: no capture log or no build")
	}
	d, err := newData(in)
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	js, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("html report: encode data: %w", err)
	}
	b := in.Build
	ecos := make([]ecoCount, 0, len(b.Summary.Packages))
	for _, e := range b.Ecosystems() {
		ecos = append(ecos, ecoCount{Name: e, Count: b.Summary.Packages[e], Colour: template.CSS(colour(e))})
	}
	exit := "unknown"
	if b.ExitCode >= 0 {
		exit = fmt.Sprint(b.ExitCode)
		if b.Signal != "" {
			exit += " (" + b.Signal + ")"
		}
	}
	title := "depaudit report"
	if b.Project != "" {
		title += ": " + b.Project
	}
	generated := ""
	if !in.Generated.IsZero() {
		generated = in.Generated.UTC().Format(time.RFC3339)
	}
	var buf bytes.Buffer
	err = page().Execute(&buf, pageData{
		Title:      title,
		B:          b,
		Exit:       exit,
		ExitFailed: b.ExitCode != 0,
		Duration:   durationText(b.Duration()),
		Ecosystems: ecos,
		Mismatches: b.Mismatches(),
		Denied:     b.Denied(),
		Truncated:  in.Log.Truncated(),
		Damage:     in.Log.Damage,
		Exchanges:  len(d.R.ID),
		Generated:  generated,
		CSS:        template.CSS(pageCSS),
		JS:         template.JS(pageJS),
		// json.Marshal escapes <, > and &, so the data cannot end the
		// script element it sits in.
		Data: template.JS(js),
	})
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

type ecoCount struct {
	Name   string
	Count  int
	Colour template.CSS
}

type pageData struct {
	Title      string
	B          *view.Build
	Exit       string
	ExitFailed bool
	Duration   string
	Ecosystems []ecoCount
	Mismatches []view.Package
	Denied     int
	Truncated  bool
	Damage     string
	Exchanges  int
	Generated  string
	CSS        template.CSS
	JS         template.JS
	Data       template.JS
}

// data is the page's embedded data: column arrays indexing one string
// table (S). Index -1 means none.
type data struct {
	S []string `json:"s"`
	// Span is the length of the capture log's clock, in ms; request
	// starts are offsets from its origin.
	Span float64 `json:"span"`
	// Origin is the clock's origin (RFC 3339).
	Origin string   `json:"origin"`
	R      requests `json:"r"`
	P      packages `json:"p"`
	// V are the violations: deny (1) or warn (0), and the text.
	V [][2]int `json:"v"`
	// D are the diff's rows: change, package, old, new.
	D [][4]int `json:"d"`
	// Colours maps ecosystem string indexes to colours.
	Colours map[string]string `json:"colours"`
}

type requests struct {
	ID     []int64   `json:"id"`
	Start  []float64 `json:"t"`
	Dur    []float64 `json:"d"`
	URL    []int     `json:"u"`
	Host   []int     `json:"h"`
	Method []int     `json:"m"`
	Status []int     `json:"st"`
	Bytes  []int64   `json:"b"`
	// Flags: 1 failed, 2 incomplete, 4 tunnel.
	Flags []int `json:"f"`
	Eco   []int `json:"e"`
	Kind  []int `json:"k"`
	// Pkg indexes the package whose bytes the request received.
	Pkg   []int `json:"p"`
	Error []int `json:"x"`
}

type packages struct {
	Eco     []int   `json:"e"`
	Name    []int   `json:"n"`
	Version []int   `json:"v"`
	PURL    []int   `json:"pu"`
	Verif   []int   `json:"vs"`
	Source  []int   `json:"src"`
	Bytes   []int64 `json:"b"`
	Host    []int   `json:"h"`
	URL     []int   `json:"u"`
	Viol    []int   `json:"vi"`
}

// Request flags.
const (
	flagFailed     = 1
	flagIncomplete = 2
	flagTunnel     = 4
)

// row is what the waterfall shows of one request.
type row struct {
	id                int64
	start             time.Time
	dur               float64
	url, host, method string
	status            int
	bytes             int64
	complete          bool
	sha256, err       string
	eco, kind         string
}

type interner struct {
	idx  map[string]int
	list []string
}

func (in *interner) id(s string) int {
	if i, ok := in.idx[s]; ok {
		return i
	}
	in.idx[s] = len(in.list)
	in.list = append(in.list, s)
	return len(in.list) - 1
}

func (in *interner) opt(s string) int {
	if s == "" {
		return -1
	}
	return in.id(s)
}

func newData(in Input) (*data, error) {
	st := &interner{idx: map[string]int{}}
	d := &data{Colours: map[string]string{}}
	b := in.Build

	bySHA := map[string]int{}
	for i, p := range b.Packages {
		bySHA[p.SHA256] = i
		d.P.Eco = append(d.P.Eco, st.id(p.Ecosystem))
		d.P.Name = append(d.P.Name, st.id(p.Name))
		d.P.Version = append(d.P.Version, st.opt(p.Version))
		d.P.PURL = append(d.P.PURL, st.id(p.PURL))
		d.P.Verif = append(d.P.Verif, st.opt(p.Verification))
		src := strings.Join(p.Sources, ", ")
		if p.Verification == view.Mismatch {
			src = "published " + strings.Join(p.Expected, ", ") + "; received " + strings.Join(p.Received, ", ")
		} else if p.Verification == view.Unverifiable {
			src = p.Reason
		}
		d.P.Source = append(d.P.Source, st.opt(src))
		d.P.Bytes = append(d.P.Bytes, p.Bytes)
		d.P.Host = append(d.P.Host, st.opt(p.Host))
		d.P.URL = append(d.P.URL, st.opt(p.URL))
		d.P.Viol = append(d.P.Viol, len(p.Violations))
	}

	each := in.Exchanges
	if each == nil {
		each = func(fn func(*capture.Exchange, string, string) error) error {
			for i := range in.Log.Exchanges {
				if err := fn(&in.Log.Exchanges[i], "", "unclassified"); err != nil {
					return err
				}
			}
			return nil
		}
	}
	// One row per request, holding what the page shows of it (not the
	// exchange), in the order they started.
	var rows []row
	err := each(func(x *capture.Exchange, eco, kind string) error {
		if x.Method == http.MethodConnect {
			eco, kind = "", "unclassified"
		}
		rows = append(rows, row{id: x.ID, start: x.Start, dur: x.DurationMS, url: x.URL, host: x.Host, method: x.Method,
			status: x.Status, bytes: x.Bytes, complete: x.Complete, sha256: x.SHA256, err: x.Error, eco: eco, kind: kind})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(rows, func(a, b row) int {
		if c := a.start.Compare(b.start); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	origin := in.Log.Header.Start
	for _, x := range rows {
		if origin.IsZero() || x.start.Before(origin) {
			origin = x.start
		}
	}
	var end float64
	if t := in.Log.Trailer; t != nil && !t.End.IsZero() && !origin.IsZero() {
		end = ms(t.End.Sub(origin))
	}
	for _, x := range rows {
		start := ms(x.start.Sub(origin))
		end = max(end, start+x.dur)
		r := &d.R
		r.ID = append(r.ID, x.id)
		r.Start = append(r.Start, round2(start))
		r.Dur = append(r.Dur, round2(x.dur))
		r.URL = append(r.URL, st.id(x.url))
		r.Host = append(r.Host, st.id(x.host))
		r.Method = append(r.Method, st.id(x.method))
		r.Status = append(r.Status, x.status)
		r.Bytes = append(r.Bytes, x.bytes)
		flags := 0
		if x.status == 0 || x.status >= 400 || x.err != "" {
			flags |= flagFailed
		}
		if !x.complete && x.method != http.MethodHead && x.method != http.MethodConnect {
			flags |= flagIncomplete
		}
		if x.method == http.MethodConnect {
			flags |= flagTunnel
		}
		r.Flags = append(r.Flags, flags)
		eco, kind := x.eco, x.kind
		pkg := -1
		if i, ok := bySHA[strings.ToLower(x.sha256)]; ok && x.sha256 != "" && flags&flagFailed == 0 {
			pkg = i
			eco, kind = b.Packages[i].Ecosystem, "artifact"
		}
		r.Eco = append(r.Eco, st.opt(eco))
		r.Kind = append(r.Kind, st.id(kind))
		r.Pkg = append(r.Pkg, pkg)
		r.Error = append(r.Error, st.opt(x.err))
		if eco != "" {
			d.Colours[fmt.Sprint(st.id(eco))] = colour(eco)
		}
	}
	for _, p := range b.Packages {
		d.Colours[fmt.Sprint(st.id(p.Ecosystem))] = colour(p.Ecosystem)
	}
	d.Span = round2(end)
	if !origin.IsZero() {
		d.Origin = origin.UTC().Format(time.RFC3339Nano)
	}
	for _, v := range b.Violations {
		deny := 0
		if v.Deny {
			deny = 1
		}
		d.V = append(d.V, [2]int{deny, st.id(v.Text)})
	}
	for _, row := range diffRows(b) {
		d.D = append(d.D, [4]int{st.id(row[0]), st.id(row[1]), st.opt(row[2]), st.opt(row[3])})
	}
	d.S = st.list
	return d, nil
}

// diffRows flattens the diff into (change, package, old, new) rows.
func diffRows(b *view.Build) [][4]string {
	df := b.Diff
	if df == nil {
		return nil
	}
	var rows [][4]string
	name := func(group, n string) string {
		if group != "" {
			return group + "/" + n
		}
		return n
	}
	for _, h := range df.HashChanged {
		var o, n []string
		for _, hd := range h.Hashes {
			o = append(o, string(hd.Algorithm)+" "+strings.Join(hd.Old, " "))
			n = append(n, string(hd.Algorithm)+" "+strings.Join(hd.New, " "))
		}
		rows = append(rows, [4]string{"hash changed", h.PURL, strings.Join(o, "; "), strings.Join(n, "; ")})
	}
	for _, u := range df.URLChanged {
		rows = append(rows, [4]string{"host changed", name(u.Group, u.Name), strings.Join(u.OldHosts, " "), strings.Join(u.NewHosts, " ")})
	}
	for _, p := range df.Added {
		rows = append(rows, [4]string{"added", name(p.Group, p.Name), "", p.Version})
	}
	for _, p := range df.Removed {
		rows = append(rows, [4]string{"removed", name(p.Group, p.Name), p.Version, ""})
	}
	for _, c := range df.Upgraded {
		rows = append(rows, [4]string{"upgraded", name(c.Group, c.Name), c.OldVersion, c.NewVersion})
	}
	for _, c := range df.Downgraded {
		rows = append(rows, [4]string{"downgraded", name(c.Group, c.Name), c.OldVersion, c.NewVersion})
	}
	for _, c := range df.Changed {
		rows = append(rows, [4]string{"changed", name(c.Group, c.Name), c.OldVersion, c.NewVersion})
	}
	for _, s := range df.ServicesAdded {
		rows = append(rows, [4]string{"service added", s.Name, "", strings.Join(s.Endpoints, " ")})
	}
	for _, s := range df.ServicesRemoved {
		rows = append(rows, [4]string{"service removed", s.Name, strings.Join(s.Endpoints, " "), ""})
	}
	return rows
}

// palette gives each known ecosystem a fixed colour (colour-blind safe
// Okabe-Ito hues), others one derived from the name.
var palette = map[string]string{
	"npm":     "#D55E00",
	"pypi":    "#0072B2",
	"golang":  "#56B4E9",
	"maven":   "#CC79A7",
	"cargo":   "#E69F00",
	"github":  "#6F42C1",
	"generic": "#7F7F7F",
}

func colour(eco string) string {
	if c, ok := palette[eco]; ok {
		return c
	}
	h := 0
	for _, r := range eco {
		h = h*31 + int(r)
	}
	return fmt.Sprintf("hsl(%d, 55%%, 45%%)", (h%360+360)%360)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

func durationText(d time.Duration) string {
	if d <= 0 {
		return "unknown"
	}
	if d < time.Second {
		return d.Round(time.Millisecond).String()
	}
	return d.Round(10 * time.Millisecond).String()
}

// humanBytes formats a byte count with a binary unit.
func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 4; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTP"[exp])
}
