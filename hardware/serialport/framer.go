package serialport

import (
	"bufio"
	"errors"
	"time"

	"depot/hardware"
)

// MaxFrame caps the bytes held while waiting for a terminator. A stream
// without terminators (noise, wrong baud rate) is dropped from the front, so
// the reader resyncs on the next good frame instead of growing without end.
const MaxFrame = 256

// ErrTimeout is returned by ReadFrame when no whole frame arrived in time.
var ErrTimeout = errors.New("no frame before the timeout")

// Framer cuts the bytes of a Conn into frames with a bufio.SplitFunc. Split
// functions skip garbage before a frame's start byte; Framer adds the buffer
// cap. It is not safe for concurrent use.
type Framer struct {
	conn  hardware.Conn
	split bufio.SplitFunc
	buf   []byte
	tmp   [128]byte
	// Dropped counts bytes discarded because the buffer overflowed.
	Dropped int
}

// NewFramer returns a Framer reading c.
func NewFramer(c hardware.Conn, split bufio.SplitFunc) *Framer {
	return &Framer{conn: c, split: split}
}

// Reset forgets buffered bytes (after a command, before waiting for its reply).
func (f *Framer) Reset() { f.buf = f.buf[:0] }

// ReadFrame returns the next frame, waiting up to timeout for it. The frame
// is only valid until the next call. A read error from the Conn (unplug) is
// returned as is; no frame in time gives ErrTimeout.
func (f *Framer) ReadFrame(timeout time.Duration) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	for {
		if frame, ok, err := f.next(); err != nil || ok {
			return frame, err
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, ErrTimeout
		}
		if err := f.conn.SetReadTimeout(left); err != nil {
			return nil, err
		}
		n, err := f.conn.Read(f.tmp[:])
		if err != nil {
			return nil, err
		}
		f.buf = append(f.buf, f.tmp[:n]...)
		if over := len(f.buf) - MaxFrame; over > 0 {
			f.Dropped += over
			f.buf = append(f.buf[:0], f.buf[over:]...)
		}
	}
}

func (f *Framer) next() ([]byte, bool, error) {
	for len(f.buf) > 0 {
		adv, tok, err := f.split(f.buf, false)
		if err != nil {
			f.buf = f.buf[:0]
			return nil, false, nil
		}
		if adv > len(f.buf) {
			adv = len(f.buf)
		}
		if tok == nil {
			if adv == 0 {
				return nil, false, nil // a frame has begun: wait for more bytes
			}
			f.buf = append(f.buf[:0], f.buf[adv:]...) // garbage skipped
			continue
		}
		frame := append([]byte(nil), tok...)
		f.buf = append(f.buf[:0], f.buf[adv:]...)
		return frame, true, nil
	}
	return nil, false, nil
}
