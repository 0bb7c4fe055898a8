package main

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkReplicationLag posts at a steady 1,000 movements per second for
// 20 s through depot serve --replica (S3 on a local versitygw) and measures,
// for each posting, the time from its 2xx answer until the health says the
// replica holds everything committed by then (last_replicated_at at or after
// the answer). The health is polled every 50 ms, which the figures include.
// Reports p50, p95 and max of that lag, and the rate reached, for the
// default sync interval (1s) and a shorter one.
func BenchmarkReplicationLag(b *testing.B) {
	for _, interval := range []string{"1s", "500ms"} {
		b.Run("interval="+interval, func(b *testing.B) { benchmarkLag(b, interval) })
	}
}

func benchmarkLag(b *testing.B, interval string) {
	const (
		rate     = 1000
		duration = 20 * time.Second
	)
	for i := 0; i < b.N; i++ {
		s3 := startS3(b, "")
		path, token := replicaFixture(b)
		srv := serveReplica(b, path, s3.url("lag"), replicaEnv(), "--replica-interval", interval)
		p := newAcker(srv.base, token, "lag")

		var mu sync.Mutex
		var acks []time.Time
		jobs := make(chan struct{}, rate)
		var wg sync.WaitGroup
		for c := 0; c < 32; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range jobs {
					if p.post() {
						at := time.Now()
						mu.Lock()
						acks = append(acks, at)
						mu.Unlock()
					}
				}
			}()
		}
		// Health samples: (when polled, last_replicated_at).
		type sample struct{ at, replicated time.Time }
		var samples []sample
		stopPoll := make(chan struct{})
		pollDone := make(chan struct{})
		go func() {
			defer close(pollDone)
			for {
				select {
				case <-stopPoll:
					return
				case <-time.After(50 * time.Millisecond):
				}
				st, _ := srv.health(b, token)
				samples = append(samples, sample{time.Now(), st.LastReplicatedAt})
			}
		}()
		start := time.Now()
		for n := 0; time.Since(start) < duration; n++ {
			// The n-th posting is due at start + n ms.
			if d := time.Until(start.Add(time.Duration(n) * time.Second / rate)); d > 0 {
				time.Sleep(d)
			}
			jobs <- struct{}{}
		}
		close(jobs)
		wg.Wait()
		took := time.Since(start)
		// Let the replica catch up with the last postings.
		time.Sleep(5 * time.Second)
		close(stopPoll)
		<-pollDone
		srv.stop(b)

		slices.SortFunc(acks, func(x, y time.Time) int { return x.Compare(y) })
		var lags []float64
		j := 0
		for _, ack := range acks {
			for j < len(samples) && samples[j].replicated.Before(ack) {
				j++
			}
			if j == len(samples) {
				b.Fatalf("posting answered at %s never replicated", ack)
			}
			lags = append(lags, samples[j].at.Sub(ack).Seconds())
		}
		slices.Sort(lags)
		q := func(f float64) float64 { return lags[int(f*float64(len(lags)-1))] }
		b.ReportMetric(q(0.50), "lag_p50_s")
		b.ReportMetric(q(0.95), "lag_p95_s")
		b.ReportMetric(lags[len(lags)-1], "lag_max_s")
		b.ReportMetric(float64(len(acks))/took.Seconds(), "postings/s")
	}
}
