package scanner

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"
)

// BenchmarkLineDecoder measures framing and decoding one GS1-128 scan
// delivered in one read.
func BenchmarkLineDecoder(b *testing.B) {
	d := NewLineDecoder(LineOptions{})
	frame := []byte("]C10109501101530003172612311" + "0LOT7\x1d21SERIAL0001\r\n")
	n := 0
	b.SetBytes(int64(len(frame)))
	for b.Loop() {
		d.Feed(frame, time.Time{}, func(s Scan, err error) {
			if err == nil {
				n++
			}
		})
	}
	if n != b.N {
		b.Fatalf("%d scans from %d frames", n, b.N)
	}
}

// BenchmarkReportDecoder measures reassembling a two-report GS1 DataMatrix scan.
func BenchmarkReportDecoder(b *testing.B) {
	d, err := NewReportDecoder(Honeywell)
	if err != nil {
		b.Fatal(err)
	}
	reports := honeywellReports("]d2", "0109501101530003"+"17261231"+"10LOT7"+"\x1d"+"21"+strings.Repeat("9", 40))
	n := 0
	for b.Loop() {
		for _, r := range reports {
			d.Feed(r, time.Time{}, func(s Scan, err error) {
				if err == nil {
					n++
				}
			})
		}
	}
	if n != b.N {
		b.Fatalf("%d scans from %d reassemblies", n, b.N)
	}
}

// BenchmarkReaderPTYLatency measures the time from the scanner's last byte
// written to the pty until OnScan receives the scan, through go.bug.st/serial.
func BenchmarkReaderPTYLatency(b *testing.B) {
	scans := make(chan Scan, 1)
	p := benchReader(b, func(s Scan) { scans <- s })
	frame := []byte("]C10109501101530003\x1d10LOT7\r")
	for b.Loop() {
		if _, err := p.master.Write(frame); err != nil {
			b.Fatal(err)
		}
		if s := <-scans; s.AIM != "]C1" {
			b.Fatalf("scan %+v", s)
		}
	}
}

// benchReader runs a connected Reader on a fresh pty until the benchmark ends.
func benchReader(b *testing.B, onScan func(Scan)) *ptyPair {
	p := openPTY(b)
	r := &Reader{Name: "serial:" + p.slave, Open: openSerial(func() (string, error) { return p.slave, nil }),
		Decoder: NewLineDecoder(LineOptions{}), OnScan: onScan}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	b.Cleanup(func() { cancel(); <-done })
	for !r.State().Connected {
		time.Sleep(time.Millisecond)
	}
	return p
}

// BenchmarkReaderIdle measures the CPU a connected scanner costs while
// nobody scans: each op is one second of an idle Reader on a pty, and the
// metric is the process CPU time over wall time (the benchmark goroutine
// only sleeps).
func BenchmarkReaderIdle(b *testing.B) {
	benchReader(b, nil)
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start, wall := cpu(), time.Now()
	for b.Loop() {
		time.Sleep(time.Second)
	}
	b.ReportMetric(100*float64(cpu()-start)/float64(time.Since(wall)), "%cpu")
}
