package scale

import "time"

// StableWindow is how long a weight must hold before it is accepted.
const StableWindow = 500 * time.Millisecond

// Stabilizer accepts a weight only after consecutive stable readings with the
// same weight spanning at least Window (and at least MinReadings readings).
// Time comes from each Reading's At, which the driver stamps from its clock,
// so tests drive it with made-up times. The zero value uses StableWindow and
// 2 readings.
type Stabilizer struct {
	Window      time.Duration
	MinReadings int
	// EmptyBelowMg, when positive, makes the scale go back below this
	// weight between two accepted weights, so one box is not counted twice.
	EmptyBelowMg int64

	first    Reading
	n        int
	accepted bool // a weight was accepted and the platter has not emptied since
}

// Add feeds one reading and returns the accepted reading (the latest of the
// run) once the rule holds. Motion, an error status, a reading without a
// weight or a different weight starts the run again.
func (s *Stabilizer) Add(r Reading) (Reading, bool) {
	if s.accepted {
		if r.HasWeight && r.WeightMg < s.EmptyBelowMg && r.WeightMg > -s.EmptyBelowMg {
			s.accepted = false
		}
		s.n = 0
		return Reading{}, false
	}
	if r.Status != Stable || !r.HasWeight {
		s.n = 0
		return Reading{}, false
	}
	if s.n == 0 || r.WeightMg != s.first.WeightMg || r.Unit != s.first.Unit || r.At.Before(s.first.At) {
		s.first, s.n = r, 1
	} else {
		s.n++
	}
	window, min := s.Window, s.MinReadings
	if window <= 0 {
		window = StableWindow
	}
	if min < 2 {
		min = 2
	}
	if s.n >= min && r.At.Sub(s.first.At) >= window {
		s.n, s.accepted = 0, s.EmptyBelowMg > 0
		return r, true
	}
	return Reading{}, false
}

// Reset forgets the run and any accepted weight.
func (s *Stabilizer) Reset() { s.n, s.accepted = 0, false }
