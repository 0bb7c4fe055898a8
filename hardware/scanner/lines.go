package scanner

import (
	"bytes"
	"time"
)

// A Decoder turns the bytes read from a scanner's Conn into scans. Feed is
// called with the bytes of each Read, in order, and calls emit once per
// complete scan or refused frame; Reset drops a partial scan (after a
// reconnect, so the tail of an old scan is never glued to a new one).
type Decoder interface {
	Feed(p []byte, at time.Time, emit func(Scan, error))
	Reset()
}

// LineOptions configure the framing of a serial or USB-CDC scanner.
type LineOptions struct {
	// Suffix ends each scan. Empty means CR, LF or CR LF, the factory
	// setting of most scanners; otherwise the exact bytes, e.g. "\t" or "\x03".
	Suffix string
	// Prefix, when set, starts each scan (e.g. STX). Bytes before it are
	// discarded as garbage, so the decoder resyncs on the next prefix.
	Prefix string
	// NoAIM treats a leading "]xy" as data, for scanners configured
	// without AIM identifiers.
	NoAIM bool
	// MaxLen caps a scan; 0 or more than MaxScanLen means MaxScanLen.
	MaxLen int
}

// LineDecoder frames a scanner's byte stream by suffix. It is a Decoder;
// use NewLineDecoder.
type LineDecoder struct {
	opt      LineOptions
	buf      []byte
	searched int  // bytes of buf known to hold no terminator
	overflow bool // discarding an over-long frame until its suffix
}

// NewLineDecoder returns a decoder for scans framed as
// [prefix] [AIM] data suffix.
func NewLineDecoder(opt LineOptions) *LineDecoder {
	if opt.MaxLen <= 0 || opt.MaxLen > MaxScanLen {
		opt.MaxLen = MaxScanLen
	}
	return &LineDecoder{opt: opt}
}

// Reset drops any partial scan.
func (d *LineDecoder) Reset() {
	d.buf = d.buf[:0]
	d.searched = 0
	d.overflow = false
}

// Feed implements Decoder. A frame is refused, with an error and without
// disturbing the frames after it, when it holds a NUL byte (line noise or a
// break), is longer than MaxLen, lacks the configured prefix, or fails
// Decode.
func (d *LineDecoder) Feed(p []byte, at time.Time, emit func(Scan, error)) {
	d.buf = append(d.buf, p...)
	start := 0
	for {
		end, next := d.terminator(start)
		if end < 0 {
			break
		}
		if d.overflow {
			d.overflow = false
		} else if end > start {
			d.frame(d.buf[start:end], at, emit)
		}
		start, d.searched = next, next
	}
	d.buf = d.buf[:copy(d.buf, d.buf[start:])]
	d.searched -= start
	// The limit counts the prefix and any garbage before it, so memory stays
	// bounded when the suffix never comes. The last len(Suffix)-1 bytes may
	// be the start of a suffix and do not count, so where reads split the
	// stream never changes which frames are refused.
	keep := max(len(d.opt.Suffix)-1, 0)
	if len(d.buf)-keep > d.limit() {
		if !d.overflow {
			emit(Scan{}, scanErrorf(d.buf, "no suffix within %d bytes: discarded up to the next suffix", d.limit()))
		}
		d.overflow = true
		d.buf = d.buf[:copy(d.buf, d.buf[len(d.buf)-keep:])]
		d.searched = 0
	}
}

// limit is the longest frame accepted, prefix included.
func (d *LineDecoder) limit() int { return d.opt.MaxLen + len(d.opt.Prefix) }

// terminator returns where the next frame at or after start ends and
// where the one after it starts, or -1. It does not search again the bytes
// an earlier call found no terminator in.
func (d *LineDecoder) terminator(start int) (end, next int) {
	from := max(start, d.searched)
	if d.opt.Suffix != "" {
		// A suffix may begin in the last len(Suffix)-1 bytes searched.
		from = max(start, from-len(d.opt.Suffix)+1)
		i := bytes.Index(d.buf[from:], []byte(d.opt.Suffix))
		if i < 0 {
			d.searched = len(d.buf)
			return -1, -1
		}
		return from + i, from + i + len(d.opt.Suffix)
	}
	// CR, LF or CR LF: a lone LF after a CR ends an empty frame, which is
	// skipped, so a CR LF split across two reads still yields one scan.
	i := bytes.IndexAny(d.buf[from:], "\r\n")
	if i < 0 {
		d.searched = len(d.buf)
		return -1, -1
	}
	return from + i, from + i + 1
}

func (d *LineDecoder) frame(frame []byte, at time.Time, emit func(Scan, error)) {
	if len(frame) > d.limit() {
		emit(Scan{}, scanErrorf(frame, "longer than %d bytes: discarded", d.limit()))
		return
	}
	if d.opt.Prefix != "" {
		i := bytes.LastIndex(frame, []byte(d.opt.Prefix))
		if i < 0 {
			emit(Scan{}, scanErrorf(frame, "no prefix %q: discarded", d.opt.Prefix))
			return
		}
		frame = frame[i+len(d.opt.Prefix):]
		if len(frame) == 0 {
			emit(Scan{}, scanErrorf(nil, "empty scan after prefix %q", d.opt.Prefix))
			return
		}
	}
	if bytes.IndexByte(frame, 0) >= 0 {
		emit(Scan{}, scanErrorf(frame, "NUL byte in scan (line noise or a break): discarded"))
		return
	}
	s, err := Decode(frame, at, d.opt.NoAIM)
	emit(s, err)
}
