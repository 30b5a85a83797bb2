package dtrack

import (
	"context"
	"time"
)

// Backoff describes an exponential backoff: the first wait is Initial, each
// next wait is the previous one times Multiplier, capped at Max.
type Backoff struct {
	// Initial is the first wait.
	Initial time.Duration
	// Max caps every wait.
	Max time.Duration
	// Multiplier grows the wait after each attempt; values below 1 mean 1.
	Multiplier float64
	// Attempts is the total number of attempts (the first one included)
	// when the backoff drives retries; it is ignored when polling, which
	// runs until the context ends.
	Attempts int
}

// DefaultRetry returns the retry policy for 5xx responses and network
// errors: four attempts, waiting 1 s, 2 s and 4 s between them.
func DefaultRetry() Backoff {
	return Backoff{Initial: time.Second, Max: 30 * time.Second, Multiplier: 2, Attempts: 4}
}

// DefaultPoll returns the backoff between polls of an upload's event token:
// 1 s, growing by half each time, at most 10 s.
func DefaultPoll() Backoff {
	return Backoff{Initial: time.Second, Max: 10 * time.Second, Multiplier: 1.5}
}

// Wait returns the wait before attempt n+1, n counting from 1.
func (b Backoff) Wait(n int) time.Duration {
	d := float64(b.Initial)
	m := b.Multiplier
	if m < 1 {
		m = 1
	}
	for i := 1; i < n; i++ {
		d *= m
		if b.Max > 0 && d >= float64(b.Max) {
			return b.Max
		}
	}
	if b.Max > 0 && time.Duration(d) > b.Max {
		return b.Max
	}
	return time.Duration(d)
}

// SleepFunc waits for d or until ctx ends, returning ctx.Err() in the latter
// case. Tests inject one that does not sleep.
type SleepFunc func(ctx context.Context, d time.Duration) error

// Sleep is the real SleepFunc, built on a timer.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
