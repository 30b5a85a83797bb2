package capture

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Strangers are processes outside the build (another user's, or this
// user's outside the build's process tree) that reached the proxy without
// its credential. They are refused, counted apart and never recorded in
// the capture log: their requests are not the build's, and they must not
// be able to fill the log (or the disk) with refusals.
type Strangers struct {
	// Refused is the number of connections and requests refused.
	Refused int64 `json:"refused"`
	// Unchecked is how many of them were counted as strangers without
	// looking for their process in the build's tree, because refusals of
	// this user's processes came faster than MaxStrangerChecks a second.
	Unchecked int64 `json:"unchecked,omitempty"`
	// Samples describes the first few, at most MaxStrangerSamples.
	Samples []StrangerSample `json:"samples,omitempty"`
}

// MaxStrangerSamples bounds Strangers.Samples.
const MaxStrangerSamples = 5

// StrangerSample is one refused stranger.
type StrangerSample struct {
	Time time.Time `json:"time"`
	// UID owns the stranger's socket, -1 when unknown.
	UID int `json:"uid"`
	// Port is the proxy port it reached: "main" or "jvm".
	Port string `json:"port"`
	// Method and Host are its request's, empty for a connection refused
	// before any request was read (the JVM port).
	Method string `json:"method,omitempty"`
	Host   string `json:"host,omitempty"`
}

// MaxStrangerChecks bounds how many refused connections of depaudit's own
// user a second are looked for in the build's process tree (a scan of
// /proc, about 10 ms each), after a burst of StrangerCheckBurst. Beyond
// that a refusal counts as a stranger's unchecked: a flood of
// unauthenticated connections costs the proxy little CPU, and a build's
// own tool that could not authenticate is still recorded the first times.
const (
	MaxStrangerChecks  = 50
	StrangerCheckBurst = 20
)

// strangerCount counts strangers, keeping the first few as samples.
type strangerCount struct {
	mu sync.Mutex
	s  Strangers
	// checks limits the process-tree scans (see MaxStrangerChecks).
	checks *rate.Limiter
}

// check reports whether one more refused connection of this user may be
// looked for in the build's process tree now.
func (c *strangerCount) check() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.checks == nil {
		c.checks = rate.NewLimiter(MaxStrangerChecks, StrangerCheckBurst)
	}
	return c.checks.Allow()
}

// unchecked counts a refusal counted as a stranger's without a scan.
func (c *strangerCount) unchecked() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.Unchecked++
}

// add counts one stranger; it reports whether it was kept as a sample.
func (c *strangerCount) add(s StrangerSample) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.s.Refused++
	if len(c.s.Samples) < MaxStrangerSamples {
		c.s.Samples = append(c.s.Samples, s)
		return true
	}
	return false
}

func (c *strangerCount) get() Strangers {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.s
	s.Samples = append([]StrangerSample(nil), s.Samples...)
	return s
}
