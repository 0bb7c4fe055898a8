package scale

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"depot/hardware/pty"
)

// benchLatency measures the time from a frame written on the pty master to
// the Reading delivered by the driver's Watch loop. The benchmark plays the
// device itself, so it knows when each frame left; for a polled protocol it
// waits for the driver's request before answering.
func benchLatency(b *testing.B, proto string, frame func(i int) []byte, polled bool) {
	p, err := pty.Open()
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	s, err := OpenWith(b.Context(), "serial:"+p.Path()+"?protocol="+proto, Options{Interval: time.Millisecond, Timeout: 2 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	got := make(chan Reading, 16)
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	go s.Watch(ctx, func(r Reading) { got <- r })
	req := make([]byte, 64)
	if !polled {
		// Frames that arrive before the first read count as stale and are
		// dropped: stream until the driver delivers one.
	warm:
		for {
			p.Master.Write(frame(999))
			select {
			case <-got:
				break warm
			case <-time.After(20 * time.Millisecond):
			}
		}
		for len(got) > 0 {
			<-got
		}
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if polled {
			if _, err := p.Master.Read(req); err != nil {
				b.Fatal(err)
			}
		}
		f := frame(i)
		t0 := time.Now()
		if _, err := p.Master.Write(f); err != nil {
			b.Fatal(err)
		}
		want := int64(1000 + i%1000)
	wait:
		for {
			select {
			case r := <-got:
				if r.Value == want {
					lat = append(lat, time.Since(t0))
					break wait
				}
			case <-time.After(5 * time.Second):
				b.Fatalf("frame %d (%q) never became a reading; state %+v", i, f, s.State())
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

func BenchmarkLatencyNCI(b *testing.B) {
	benchLatency(b, "nci", func(i int) []byte {
		return fmt.Appendf(nil, "\n%07.3fkg\r\n00\r\x03", float64(1000+i%1000)/1000)
	}, true)
}

func BenchmarkLatencyLineStream(b *testing.B) {
	benchLatency(b, "line&model=tiger", func(i int) []byte {
		return fmt.Appendf(nil, "ST,GS,+%7.3f,kg\r\n", float64(1000+i%1000)/1000)
	}, false)
}

// BenchmarkIdleScaleCPU watches a simulated scale (simulator and driver in
// this process, through a real pty) for 10 s and reports the CPU time used as
// a share of one core: an NCI scale polled every 200 ms, and a HID-report
// scale streaming 10 frames a second.
func BenchmarkIdleScaleCPU(b *testing.B) {
	for _, addr := range []string{"sim:nci?weight=1.250kg", "sim:hid-report?weight=1.250kg"} {
		b.Run(addr[4:strings.IndexByte(addr, '?')], func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				s, err := OpenWith(b.Context(), addr, Options{Interval: 200 * time.Millisecond})
				if err != nil {
					b.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(b.Context(), 10*time.Second)
				n := 0
				var ru0, ru1 syscall.Rusage
				syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
				start := time.Now()
				s.Watch(ctx, func(Reading) { n++ })
				wall := time.Since(start)
				syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
				cancel()
				s.Close()
				cpu := time.Duration(syscall.TimevalToNsec(ru1.Utime) - syscall.TimevalToNsec(ru0.Utime) +
					syscall.TimevalToNsec(ru1.Stime) - syscall.TimevalToNsec(ru0.Stime))
				b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
				b.ReportMetric(float64(n), "readings")
			}
		})
	}
}
