package capture

import (
	"sync"
	"time"
)

// Strangers are processes outside the build (another user's, or this
// user's outside the build's process tree) that reached the proxy without
// its credential. They are refused, counted apart and never recorded in
// the capture log: their requests are not the build's, and they must not
// be able to fill the log (or the disk) with refusals.
type Strangers struct {
	// Refused is the number of connections and requests refused.
	Refused int64 `json:"refused"`
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

// strangerCount counts strangers, keeping the first few as samples.
type strangerCount struct {
	mu sync.Mutex
	s  Strangers
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
