package printer

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func events(evs []zplEvent) []string {
	var out []string
	for _, e := range evs {
		if e.format != nil {
			out = append(out, "F:"+string(e.format))
		} else {
			out = append(out, "C:"+e.control)
		}
	}
	return out
}

func TestZPLStream(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"one label", "^XA^FO1,1^FDx^FS^XZ", []string{"F:^XA^FO1,1^FDx^FS^XZ"}},
		{"two labels and noise", "junk\r\n^XA^FDa^FS^XZ\r\n^XA^FDb^FS^XZ", []string{"F:^XA^FDa^FS^XZ", "F:^XA^FDb^FS^XZ"}},
		{"status between", "^XA^FDa^FS^XZ~HS^XA^XZ", []string{"F:^XA^FDa^FS^XZ", "C:HS", "F:^XA^XZ"}},
		{"control inside a format acts and is removed", "^XA^FDab~JAcd^FS^XZ", []string{"C:JA", "F:^XA^FDabcd^FS^XZ"}},
		{"lower case", "^xa^FDa^FS^xz~hs", []string{"F:^XA^FDa^FS^XZ", "C:HS"}},
		{"unterminated", "^XA^FDa", nil},
		{"escaped field data", `^XA^FH\^FD\5EXZ\7EJA^FS^XZ`, []string{`F:^XA^FH\^FD\5EXZ\7EJA^FS^XZ`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s zplStream
			if d := cmp.Diff(tt.want, events(s.feed([]byte(tt.in)))); d != "" {
				t.Errorf("all at once (-want +got):\n%s", d)
			}
			var s1 zplStream
			var got []zplEvent
			for i := 0; i < len(tt.in); i++ {
				got = append(got, s1.feed([]byte{tt.in[i]})...)
			}
			if d := cmp.Diff(tt.want, events(got)); d != "" {
				t.Errorf("one byte at a time (-want +got):\n%s", d)
			}
		})
	}
}

func FuzzSimStream(f *testing.F) {
	f.Add([]byte("^XA^FDa^FS^XZ~HS^XA^XZ"), uint8(3))
	f.Add([]byte("^XA~JA^XZ^X~"), uint8(1))
	f.Add([]byte("~~~^^^XAXZ^XZ"), uint8(2))
	f.Fuzz(func(t *testing.T, b []byte, step uint8) {
		var whole zplStream
		want := events(whole.feed(b))
		// Any split of the input gives the same events.
		n := int(step%16) + 1
		var split zplStream
		var got []zplEvent
		for i := 0; i < len(b); i += n {
			got = append(got, split.feed(b[i:min(i+n, len(b))])...)
		}
		if d := cmp.Diff(want, events(got)); d != "" {
			t.Fatalf("split by %d differs (-whole +split):\n%s", n, d)
		}
		for _, e := range got {
			if e.format != nil && (!bytes.HasPrefix(e.format, []byte("^XA")) || !bytes.HasSuffix(e.format, []byte("^XZ"))) {
				t.Fatalf("format %q is not ^XA…^XZ", e.format)
			}
		}
	})
}
