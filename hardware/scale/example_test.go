package scale_test

import (
	"context"
	"fmt"
	"time"

	"depot/hardware/scale"
)

// A packing station: open the scale by address, follow it with Watch (the
// device page subscribes to the same updates), and take a box's weight once
// it has held still for 500 ms.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := scale.Open(ctx, "sim:nci?weight=0.000kg") // or serial:/dev/serial/by-id/...?protocol=nci
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()
	go s.Watch(ctx, nil)
	updates, stop := s.Subscribe() // what an SSE handler would stream
	defer stop()

	s.Sim().State.SetWeight(1_250_000) // the packer puts a 1.25 kg box down
	r, err := s.StableWeight(ctx)
	fmt.Println(r, r.WeightMg, err)
	for st := range updates {
		if st.Last.WeightMg == 1_250_000 {
			fmt.Println("device page:", st.Connected, st.Last.Display())
			break
		}
	}
	// Output:
	// 1.250 kg stable 1250000 <nil>
	// device page: true 1.250 kg
}
