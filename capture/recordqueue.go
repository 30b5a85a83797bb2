package capture

import "sync"

// recordQueue hands exchanges to the proxy's Record function from a goroutine
// of its own, in the order they were given: a client connection goes on
// to its next request without waiting for the capture log's write (which
// was a tenth of the proxy's time per keep-alive request).
type recordQueue struct {
	record func(*Exchange)

	mu     sync.Mutex
	queue  []*Exchange
	closed bool
	// wake tells the goroutine that the queue has exchanges; done is
	// closed when it has recorded the last one after close.
	wake chan struct{}
	done chan struct{}
}

func newRecordQueue(record func(*Exchange)) *recordQueue {
	r := &recordQueue{record: record, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go r.run()
	return r
}

// add queues x. Once the queue is closed, x is recorded at once.
func (r *recordQueue) add(x *Exchange) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		<-r.done
		r.record(x)
		return
	}
	r.queue = append(r.queue, x)
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

func (r *recordQueue) run() {
	defer close(r.done)
	var batch []*Exchange
	for range r.wake {
		r.mu.Lock()
		batch, r.queue = r.queue, batch[:0]
		closed := r.closed
		r.mu.Unlock()
		for i, x := range batch {
			r.record(x)
			batch[i] = nil
		}
		if closed {
			return
		}
	}
}

// close records what is queued and returns once it has been; exchanges
// added after it are recorded as they come.
func (r *recordQueue) close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		<-r.done
		return
	}
	r.closed = true
	r.mu.Unlock()
	// (A wake already pending is enough; else this one is.)
	select {
	case r.wake <- struct{}{}:
	default:
	}
	<-r.done
}
