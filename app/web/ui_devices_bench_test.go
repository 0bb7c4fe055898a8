package web_test

import (
	"bufio"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"depot/hardware/scale"
)

// BenchmarkDeviceLatency measures how long a weight takes from its frame
// arriving at the scale driver (the reading's At, stamped by the driver
// when the frame is read off the pty) to the device page's server-sent
// event carrying it, read by an HTTP client of the page over a real TCP
// connection. Each round puts a new weight on the simulated platter; the
// driver polls every 200 ms, which is not counted (it is the time before
// the frame arrives).
func BenchmarkDeviceLatency(b *testing.B) {
	d := newDevicesEnv(b)
	o := d.owner()
	st, _ := d.mgr.Station("PACK")
	frames, cancel := st.Scale().Subscribe()
	defer cancel()

	req, _ := http.NewRequest("GET", d.srv.URL+"/devices/events", nil)
	res, err := o.c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	type event struct {
		data string
		at   time.Time
	}
	events := make(chan event, 1024)
	go func() {
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data: ") {
				events <- event{sc.Text(), time.Now()}
			}
		}
		close(events)
	}()

	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		mg := int64(1_000_000 + (i%1000+1)*1000) // 1.001 kg, 1.002 kg, ...
		want := scale.FormatFixed(mg/1000, 3) + " kg stable"
		st.ScaleSim().State.SetWeight(mg)
		var arrived time.Time
		for arrived.IsZero() {
			select {
			case s := <-frames:
				if s.Last.WeightMg == mg {
					arrived = s.Last.At
				}
			case <-time.After(10 * time.Second):
				b.Fatalf("the driver never read %s", want)
			}
		}
		for got := false; !got; {
			select {
			case ev, ok := <-events:
				if !ok {
					b.Fatal("stream ended")
				}
				if strings.Contains(ev.data, ">"+want+"<") {
					lat = append(lat, ev.at.Sub(arrived))
					got = true
				}
			case <-time.After(10 * time.Second):
				b.Fatalf("no event with %s", want)
			}
		}
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
}
