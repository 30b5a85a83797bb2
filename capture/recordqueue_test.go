package capture

import (
	"sync"
	"testing"
	"time"
)

// Exchanges reach the recorder in the order they were added, all of them
// by the time close returns, also when the recorder is slow and the
// queue full (add then waits), and those added after close are recorded
// at once.
func TestRecordQueue(t *testing.T) {
	var mu sync.Mutex
	var got []int64
	slow := make(chan struct{})
	q := newRecordQueue(func(x *Exchange) {
		<-slow
		mu.Lock()
		got = append(got, x.ID)
		mu.Unlock()
	})
	const n = 3 * maxQueued
	added := make(chan struct{})
	go func() {
		for i := range n {
			q.add(&Exchange{ID: int64(i + 1)})
		}
		close(added)
	}()
	select {
	case <-added:
		t.Fatal("add did not wait while the recorder was stuck and the queue full")
	case <-time.After(200 * time.Millisecond):
	}
	close(slow)
	<-added
	q.close()
	q.add(&Exchange{ID: n + 1})
	mu.Lock()
	defer mu.Unlock()
	if len(got) != n+1 {
		t.Fatalf("%d exchanges recorded, want %d", len(got), n+1)
	}
	for i, id := range got {
		if id != int64(i+1) {
			t.Fatalf("exchange %d recorded at %d", id, i)
		}
	}
}
