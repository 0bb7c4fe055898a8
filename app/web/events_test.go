package web_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"depot/app/web"
)

// fakeMoved answers which variants a range moved from a table, and records
// the ranges it was asked about.
type fakeMoved struct {
	mu     sync.Mutex
	byID   map[int64][]int64 // movement id -> variant ids
	asked  [][2]int64
	gate   chan struct{} // when set, each call waits for a receive
	called chan struct{}
}

func (f *fakeMoved) moved(ctx context.Context, first, next int64) ([]int64, error) {
	f.mu.Lock()
	f.asked = append(f.asked, [2]int64{first, next})
	gate := f.gate
	f.mu.Unlock()
	if f.called != nil {
		f.called <- struct{}{}
	}
	if gate != nil {
		<-gate
	}
	var out []int64
	for id := first; id < next; id++ {
		out = append(out, f.byID[id]...)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

func recv(t *testing.T, ch <-chan web.Event) web.Event {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
	return web.Event{}
}

func none(t *testing.T, ch <-chan web.Event, within time.Duration) {
	t.Helper()
	select {
	case ev := <-ch:
		t.Fatalf("unexpected event %+v", ev)
	case <-time.After(within):
	}
}

func TestBrokerRoutesByVariant(t *testing.T) {
	f := &fakeMoved{byID: map[int64][]int64{1: {10}, 2: {20}, 3: {10, 30}}}
	b := web.NewBroker(f.moved, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go b.Run(ctx)
	v10, stop10 := b.Subscribe(10)
	defer stop10()
	v20, stop20 := b.Subscribe(20)
	all, stopAll := b.Subscribe(0)
	defer stopAll()

	b.Committed(1, 2)
	if ev := recv(t, v10); ev != (web.Event{Name: "stock", Data: "1"}) {
		t.Errorf("variant 10 got %+v", ev)
	}
	if ev := recv(t, all); ev != (web.Event{Name: "movement", Data: "1"}) {
		t.Errorf("all got %+v", ev)
	}
	none(t, v20, 200*time.Millisecond)

	stop20()
	b.Committed(2, 4)
	if ev := recv(t, v10); ev.Data != "3" {
		t.Errorf("variant 10 got %+v, want the newest movement 3", ev)
	}
	if b.Watchers() != 2 {
		t.Errorf("%d watchers after one unsubscribed, want 2", b.Watchers())
	}
}

// Commits that arrive while a round is reading are merged into the next
// round: one query for many commits.
func TestBrokerMergesCommits(t *testing.T) {
	f := &fakeMoved{byID: map[int64][]int64{}, gate: make(chan struct{}), called: make(chan struct{}, 10)}
	for id := int64(1); id <= 100; id++ {
		f.byID[id] = []int64{7}
	}
	b := web.NewBroker(f.moved, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go b.Run(ctx)
	ch, stop := b.Subscribe(7)
	defer stop()
	b.Committed(1, 2)
	<-f.called // the first round is reading
	for id := int64(2); id <= 100; id++ {
		b.Committed(id, id+1)
	}
	f.gate <- struct{}{}
	recv(t, ch)
	<-f.called
	f.gate <- struct{}{}
	if ev := recv(t, ch); ev.Data != "100" {
		t.Errorf("second round told %+v, want movement 100", ev)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.asked) != 2 || f.asked[1] != [2]int64{2, 101} {
		t.Errorf("rounds asked %v, want [1 2] then one merged [2 101]", f.asked)
	}
}

// A watcher that does not read does not hold up the others or the store.
func TestBrokerSlowWatcher(t *testing.T) {
	f := &fakeMoved{byID: map[int64][]int64{}}
	for id := int64(1); id <= 10; id++ {
		f.byID[id] = []int64{5}
	}
	b := web.NewBroker(f.moved, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go b.Run(ctx)
	_, stopSlow := b.Subscribe(5) // never read
	defer stopSlow()
	fast, stopFast := b.Subscribe(5)
	defer stopFast()
	for id := int64(1); id <= 10; id++ {
		done := make(chan struct{})
		go func() { b.Committed(id, id+1); close(done) }()
		select {
		case <-done:
		case <-time.After(time.Second):
			t.Fatal("Committed blocked")
		}
		recv(t, fast)
	}
	b.Close()
	b.Close() // twice is fine
}

func BenchmarkBrokerCommitted(b *testing.B) {
	f := &fakeMoved{byID: map[int64][]int64{}}
	br := web.NewBroker(f.moved, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go br.Run(ctx)
	for i := 0; i < 100; i++ {
		_, stop := br.Subscribe(int64(i))
		defer stop()
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		br.Committed(int64(i), int64(i+1))
	}
}
