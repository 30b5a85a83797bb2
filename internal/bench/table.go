package main

import (
	"crypto/x509"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// table collects the figures and prints them aligned.
type table struct {
	rows  [][]string
	notes []string
	noted int // the row (1-based) whose figure carries a note mark
}

func (t *table) add(figure, direct, proxy, ratio, target string, met bool) {
	result := ""
	if target != "" {
		result = "met"
		if !met {
			result = "MISSED"
		}
	}
	t.rows = append(t.rows, []string{figure, direct, proxy, ratio, target, result})
}

// note adds a footnote to the last figure.
func (t *table) note(s string) {
	t.notes = append(t.notes, fmt.Sprintf("(%d) %s", len(t.rows), s))
	if t.noted != len(t.rows) {
		t.rows[len(t.rows)-1][0] += fmt.Sprintf(" (%d)", len(t.rows))
		t.noted = len(t.rows)
	}
}

func (t *table) write(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tdirect\tproxy\tproxy/direct\ttarget\tresult\t")
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t")+"\t")
	}
	tw.Flush()
	for _, n := range t.notes {
		fmt.Fprintln(w, n)
	}
}

func mbps(bps float64) string { return fmt.Sprintf("%.0f MB/s", bps/1e6) }

func ms(d time.Duration) string { return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond)) }

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

func ratio(r float64) string { return fmt.Sprintf("%.2f×", r) }

func sizeName(n int64) string {
	switch {
	case n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d B", n)
}

func poolOf(pem []byte) *x509.CertPool {
	p := x509.NewCertPool()
	p.AppendCertsFromPEM(pem)
	return p
}
