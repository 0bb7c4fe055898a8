package hidconn_test

import (
	"testing"

	"depot/hardware/hidconn"
)

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"hid:0922:8003", "hid:0c2e:0b8f?serial=X&interface=1&index=0&report=64", "hid:zz", "hid:0922:8003?%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, addr string) {
		tg, err := hidconn.ParseTarget(addr)
		if err != nil {
			return
		}
		if tg.ReportSize < 1 || tg.ReportSize > 1024 || tg.Index < -1 || tg.Interface < -1 {
			t.Fatalf("%q parsed to %+v", addr, tg)
		}
		again, err := hidconn.ParseTarget(tg.Address)
		if err != nil || again != tg {
			t.Fatalf("%q: re-parsing %q gives %+v, %v; want %+v", addr, tg.Address, again, err, tg)
		}
	})
}
