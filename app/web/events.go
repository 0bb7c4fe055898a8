package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"depot/app"
)

// Broker fans "movement committed" out to the browsers that watch it over
// server-sent events. The store calls Committed after each group commit
// (cheap: it records the range and wakes the broker); the broker's own
// goroutine asks which variants moved and tells their subscribers. Commits
// that arrive while it works are merged into one round, and rounds are at
// least Throttle apart, so thousands of postings a second cost a few
// queries a second, and none while nobody watches.
type Broker struct {
	moved    func(ctx context.Context, first, next int64) ([]int64, error)
	log      *slog.Logger
	throttle time.Duration

	mu          sync.Mutex
	subs        map[*subscriber]struct{}
	first, next int64 // pending range; first == next: none
	wake        chan struct{}
	done        chan struct{}
	closeOnce   sync.Once
}

// Event is one server-sent event.
type Event struct {
	Name string // "stock" to a variant's watchers, "movement" to all
	Data string // the newest movement id of the round
}

type subscriber struct {
	variant int64 // 0: every movement
	ch      chan Event
}

// NewBroker returns a broker that learns which variants a range of
// movements touched from moved (sqlite.DB.MovedVariants). Call Run to
// start it and Close to end every stream.
func NewBroker(moved func(ctx context.Context, first, next int64) ([]int64, error), log *slog.Logger) *Broker {
	if log == nil {
		log = slog.Default()
	}
	return &Broker{moved: moved, log: log, throttle: 100 * time.Millisecond,
		subs: map[*subscriber]struct{}{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// Committed records that movements first up to (not including) next
// committed. It never blocks: it is called on the writer's goroutine.
func (b *Broker) Committed(first, next int64) {
	b.mu.Lock()
	if b.first == b.next {
		b.first = first
	}
	b.next = max(b.next, next)
	b.mu.Unlock()
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// Run delivers events until ctx ends or Close is called.
func (b *Broker) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			b.Close()
			return
		case <-b.done:
			return
		case <-b.wake:
		}
		b.round(ctx)
		select {
		case <-time.After(b.throttle):
		case <-ctx.Done():
		case <-b.done:
		}
	}
}

// round takes the pending range and tells the subscribers it concerns.
func (b *Broker) round(ctx context.Context) {
	b.mu.Lock()
	first, next := b.first, b.next
	b.first = b.next
	needVariants := false
	for s := range b.subs {
		needVariants = needVariants || s.variant != 0
	}
	watchers := len(b.subs)
	b.mu.Unlock()
	if first >= next || watchers == 0 {
		return
	}
	var ids []int64
	if needVariants {
		var err error
		if ids, err = b.moved(ctx, first, next); err != nil {
			b.log.Warn("live updates: read moved variants", "err", err)
			return
		}
	}
	moved := make(map[int64]bool, len(ids))
	for _, id := range ids {
		moved[id] = true
	}
	data := strconv.FormatInt(next-1, 10)
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		ev := Event{Name: "movement", Data: data}
		if s.variant != 0 {
			if !moved[s.variant] {
				continue
			}
			ev.Name = "stock"
		}
		// A full channel already holds an event that makes the page
		// reload this part; one more would say nothing new.
		select {
		case s.ch <- ev:
		default:
		}
	}
}

// Subscribe returns a channel of events about the variant (0: every
// movement) and a function that ends the subscription.
func (b *Broker) Subscribe(variant int64) (<-chan Event, func()) {
	s := &subscriber{variant: variant, ch: make(chan Event, 4)}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s.ch, func() {
		b.mu.Lock()
		delete(b.subs, s)
		b.mu.Unlock()
	}
}

// Watchers returns how many streams are open.
func (b *Broker) Watchers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.subs)
}

// Close ends every stream (on shutdown) and stops Run.
func (b *Broker) Close() { b.closeOnce.Do(func() { close(b.done) }) }

// keepAlive is how often an idle stream gets a comment, so proxies and
// phones do not drop it.
const keepAlive = 25 * time.Second

// events handles GET /events?variant=ID: a server-sent event stream of
// "stock" events when a movement of the variant commits (every movement's
// "movement" event without variant). htmx's sse extension turns them into
// triggers (hx-trigger="sse:stock").
func (s *server) events(w http.ResponseWriter, r *http.Request) error {
	b := s.ui.Events
	if b == nil {
		return app.Errorf(app.EUNAVAILABLE, "live updates are off")
	}
	q, err := queryParams(r, "variant")
	if err != nil {
		return err
	}
	variant, err := intParam(q, "variant", 1, 1<<62, 0, "a variant id")
	if err != nil {
		return err
	}
	rc := http.NewResponseController(w)
	// The server's write timeout is for ordinary answers; a stream lasts.
	if err := rc.SetWriteDeadline(time.Time{}); err != nil {
		return fmt.Errorf("events: clear write deadline: %w", err)
	}
	ch, cancel := b.Subscribe(variant)
	defer cancel()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 2000\n: connected\n\n")
	if err := rc.Flush(); err != nil {
		return nil
	}
	tick := time.NewTicker(keepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case <-b.done:
			return nil
		case ev := <-ch:
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", ev.Name, ev.Data)
		case <-tick.C:
			fmt.Fprint(w, ": keep-alive\n\n")
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	}
}
