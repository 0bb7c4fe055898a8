package scale

import (
	"fmt"
	"sync"
)

// SimState is the physical state of a simulated scale: what lies on the
// platter, whether it moves, the zero and tare the scale holds, and forced
// conditions. It is safe for concurrent use: the demo UI and tests change it
// while a simulator answers from it.
type SimState struct {
	mu         sync.Mutex
	platterMg  int64 // gross load on the platter
	zeroMg     int64 // load captured by the last zero
	tareMg     int64
	unit       Unit
	decimals   int
	capacityMg int64
	motion     bool
	overload   bool // forced, beside the automatic one above capacity
	underZero  bool // forced, beside the automatic one below the zero range
	fault      bool
	highRes    bool // one more displayed digit (NCI H, Toledo H)
}

// NewSimState returns an empty scale that displays unit with decimals and
// holds up to capacityMg.
func NewSimState(unit Unit, decimals int, capacityMg int64) *SimState {
	return &SimState{unit: unit, decimals: decimals, capacityMg: capacityMg}
}

// SetWeight puts mg on the platter (gross, before zero and tare).
func (s *SimState) SetWeight(mg int64) { s.mu.Lock(); s.platterMg = mg; s.mu.Unlock() }

// SetMotion makes the weight unsteady or steady.
func (s *SimState) SetMotion(on bool) { s.mu.Lock(); s.motion = on; s.mu.Unlock() }

// SetOverload forces an overload (besides a load above capacity).
func (s *SimState) SetOverload(on bool) { s.mu.Lock(); s.overload = on; s.mu.Unlock() }

// SetUnderZero forces an under-zero state (besides a load below the zero range).
func (s *SimState) SetUnderZero(on bool) { s.mu.Lock(); s.underZero = on; s.mu.Unlock() }

// SetFault makes the scale report an internal error.
func (s *SimState) SetFault(on bool) { s.mu.Lock(); s.fault = on; s.mu.Unlock() }

// SetDisplay changes the displayed unit and decimals.
func (s *SimState) SetDisplay(unit Unit, decimals int) {
	s.mu.Lock()
	s.unit, s.decimals = unit, decimals
	s.mu.Unlock()
}

// SetHighRes shows one more digit (the H command of NCI and Toledo).
func (s *SimState) SetHighRes(on bool) { s.mu.Lock(); s.highRes = on; s.mu.Unlock() }

// Zero captures the platter load as zero, as a scale's zero key does: refused
// in motion and outside ±4 % of capacity. It clears the tare.
func (s *SimState) Zero() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.motion {
		return fmt.Errorf("zero: %w: in motion", ErrRefused)
	}
	if r := s.capacityMg / 25; s.platterMg > r || s.platterMg < -r {
		return fmt.Errorf("zero: %w: load outside the zero range", ErrRefused)
	}
	s.zeroMg, s.tareMg = s.platterMg, 0
	return nil
}

// Tare takes the gross load as tare; refused in motion or at or below zero.
func (s *SimState) Tare() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.motion {
		return fmt.Errorf("tare: %w: in motion", ErrRefused)
	}
	if s.platterMg-s.zeroMg <= 0 {
		return fmt.Errorf("tare: %w: nothing on the platter", ErrRefused)
	}
	s.tareMg = s.platterMg - s.zeroMg
	return nil
}

// ClearTare drops the tare.
func (s *SimState) ClearTare() { s.mu.Lock(); s.tareMg = 0; s.mu.Unlock() }

// View is what the scale displays now.
type View struct {
	Status   Status
	Value    int64 // displayed weight without its point
	Decimals int
	Unit     Unit
	Net      bool // a tare is active
	AtZero   bool // gross at the centre of zero
}

// View computes the display from the physical state.
func (s *SimState) View() View {
	s.mu.Lock()
	defer s.mu.Unlock()
	gross := s.platterMg - s.zeroMg
	d := s.decimals
	if s.highRes {
		d++
	}
	v := View{Decimals: d, Unit: s.unit, Net: s.tareMg != 0}
	val, err := FromMg(gross-s.tareMg, d, s.unit)
	g, _ := FromMg(gross, d, s.unit)
	v.Value, v.AtZero = val, g == 0
	switch {
	case s.fault || err != nil:
		v.Status = Fault
	case s.overload || (s.capacityMg > 0 && gross > s.capacityMg):
		v.Status = Overload
	case s.underZero || gross < -s.capacityMg/50:
		v.Status = UnderZero
	case s.motion:
		v.Status = Motion
	}
	return v
}

// tareView is the tare in the display's unit and decimals.
func (s *SimState) tareView(v View) int64 {
	s.mu.Lock()
	t := s.tareMg
	s.mu.Unlock()
	val, _ := FromMg(t, v.Decimals, v.Unit)
	return val
}
