package station

import (
	"log/slog"
	"syscall"
	"testing"
	"time"
)

// BenchmarkIdleStationCPU runs the demo's station (an NCI scale polled
// every 200 ms, the simulated serial scanner, the simulated ZPL printer
// asked for its status every 5 s; simulators and drivers in this process,
// through real ptys and a loopback socket) for 10 s with one subscriber
// and nothing on the platter changing, and reports the CPU time used as a
// share of one core.
func BenchmarkIdleStationCPU(b *testing.B) {
	for i := 0; i < b.N; i++ {
		m := NewManager(Options{Log: slog.New(slog.DiscardHandler)})
		sub := m.Subscribe()
		cfg := Config{Scale: "sim:nci?weight=1.250kg", Scanner: "sim:scanner", Printer: "sim:zebra?dir=" + b.TempDir()}
		if err := m.Set("PACK", "", cfg); err != nil {
			b.Fatal(err)
		}
		// Warm up: connected and read once.
		for st := m.States()[0]; !st.Scale.Connected || st.Scale.Last == "" || !st.Printer.Connected; st = m.States()[0] {
			select {
			case <-sub.Ready():
				sub.Take()
			case <-time.After(10 * time.Second):
				b.Fatalf("station never came up: %+v", st)
			}
		}
		updates := 0
		var ru0, ru1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		start := time.Now()
		end := time.After(10 * time.Second)
	idle:
		for {
			select {
			case <-sub.Ready():
				updates += len(sub.Take())
			case <-end:
				break idle
			}
		}
		wall := time.Since(start)
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		sub.Cancel()
		m.Close()
		cpu := time.Duration(syscall.TimevalToNsec(ru1.Utime) - syscall.TimevalToNsec(ru0.Utime) +
			syscall.TimevalToNsec(ru1.Stime) - syscall.TimevalToNsec(ru0.Stime))
		b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
		b.ReportMetric(float64(updates), "updates")
	}
}
