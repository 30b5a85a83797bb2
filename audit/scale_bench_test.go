package audit_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/depaudit/depaudit/audit"
	"github.com/depaudit/depaudit/capture"
)

// scaleLog is a log of n unclassified GETs, each to its own URL: half to
// one host, half to hosts of their own; with sameBody, every one answered
// the same bytes (an API's "{}").
func scaleLog(n int, sameBody bool) *capture.Log {
	l := &capture.Log{Trailer: &capture.Trailer{}}
	l.Exchanges = make([]capture.Exchange, n)
	for i := range l.Exchanges {
		host := "api.example.com"
		if i%2 == 1 {
			host = fmt.Sprintf("h%d.example.com", i)
		}
		l.Exchanges[i] = capture.Exchange{ID: int64(i + 1), Method: "GET", Host: host,
			URL: fmt.Sprintf("https://%s/v1/items/%d", host, i), Status: 200, Complete: true, ContentLength: -1}
		if sameBody {
			l.Exchanges[i].Bytes, l.Exchanges[i].SHA256 = 2, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
		}
	}
	return l
}

// BenchmarkAnalyzeScale analyses logs of 10^3 to 10^6 exchanges, each to a
// URL of its own, with bodies of their own and with one body for all
// (verified: its URLs are collected): the time per exchange
// (ns/exchange) stays flat when the analysis is linear.
func BenchmarkAnalyzeScale(b *testing.B) {
	for _, sameBody := range []bool{false, true} {
		for _, n := range []int{1_000, 10_000, 100_000, 1_000_000} {
			b.Run(fmt.Sprintf("sameBody=%v/%d", sameBody, n), func(b *testing.B) {
				l := scaleLog(n, sameBody)
				b.ResetTimer()
				for range b.N {
					if _, err := audit.Analyze(context.Background(), l, audit.Config{NoVerify: !sameBody}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/exchange")
			})
		}
	}
}
