package sqlite

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"depot/app"
)

func TestBuildPickLists(t *testing.T) {
	f := newPickFixture(t)
	f.receive("TEE", "A1-09", "", "", 50)
	f.receive("CAP", "A2-08", "", "", 50)
	f.receive("SOCK", "B1-02", "", "", 50)
	f.receive("MILK", "A1-02", "L1", "2027-01-31", 20)
	f.release("SO-1", "UPS", "2026-12-02", testLine{"SOCK", 1}, testLine{"TEE", 2})
	f.release("SO-2", "DHL", "2026-12-01", testLine{"MILK", 3}, testLine{"CAP", 4})
	f.release("SO-3", "UPS", "", testLine{"CAP", 5})
	boss := f.users["boss"]

	t.Run("SingleMostUrgent", func(t *testing.T) {
		lists, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickSingle, UserID: boss})
		if err != nil {
			t.Fatal(err)
		}
		if len(lists) != 1 || lists[0].Name != "Order SO-2" || lists[0].Destination != "PACK" || lists[0].Tasks != 2 {
			t.Fatalf("lists %+v", lists)
		}
		l, err := f.db.PickList(f.ctx, lists[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		// Aisle A1 up, then A2 (the second aisle visited) down.
		if got, want := stops(l), []string{"A1-02 MILK 3 T1 L1", "A2-08 CAP 4 T1"}; !slices.Equal(got, want) {
			t.Fatalf("stops %q, want %q", got, want)
		}
		if s := f.orderStatus("SO-2"); s != "picking" {
			t.Fatalf("SO-2 is %s", s)
		}
	})
	t.Run("NamedOrderNothingLeft", func(t *testing.T) {
		_, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickBatch, Orders: []string{"SO-1", "SO-2"}})
		if app.ErrorCode(err) != app.ECONFLICT || app.ErrorField(err) != "orders[1]" || !strings.Contains(err.Error(), "SO-2 has nothing left to pick") {
			t.Fatalf("SO-2 again: %v", err)
		}
	})
	t.Run("UnknownOrder", func(t *testing.T) {
		_, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickBatch, Orders: []string{"SO-1", "SO-404"}})
		if app.ErrorCode(err) != app.ENOTFOUND || app.ErrorField(err) != "orders[1]" {
			t.Fatalf("SO-404: %v", err)
		}
	})
	t.Run("BatchTotes", func(t *testing.T) {
		lists, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickBatch, Orders: []string{"SO-3", "SO-1"}})
		if err != nil {
			t.Fatal(err)
		}
		l, err := f.db.PickList(f.ctx, lists[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		// SO-1 ships first: tote T1; SO-3 has no date: T2.
		if got, want := stops(l), []string{"A1-09 TEE 2 T1", "A2-08 CAP 5 T2", "B1-02 SOCK 1 T1"}; !slices.Equal(got, want) {
			t.Fatalf("stops %q, want %q", got, want)
		}
		if l.Orders != 2 || l.Kind != app.PickBatch {
			t.Fatalf("list %+v", l)
		}
	})
	t.Run("NothingToPick", func(t *testing.T) {
		_, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickWave, GroupBy: "zone"})
		if app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("empty wave: %v", err)
		}
	})
	t.Run("BadDestination", func(t *testing.T) {
		f.release("SO-4", "", "", testLine{"TEE", 1})
		_, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickSingle, Destination: "customer"})
		if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != "destination" {
			t.Fatalf("virtual destination: %v", err)
		}
		if s := f.orderStatus("SO-4"); s != "released" {
			t.Fatalf("refused build changed SO-4 to %s", s)
		}
	})
	f.checkReserved()
}

func TestBuildWaveGroups(t *testing.T) {
	f := newPickFixture(t)
	f.receive("TEE", "A1-05", "", "", 100)
	f.receive("SOCK", "B1-05", "", "", 100)
	f.release("W-1", "UPS", "2026-12-01", testLine{"TEE", 1}, testLine{"SOCK", 1})
	f.release("W-2", "DHL", "2026-12-03", testLine{"SOCK", 2})
	f.release("W-3", "UPS", "2026-12-03", testLine{"TEE", 3})
	names := func(ls []app.PickList) []string {
		var out []string
		for _, l := range ls {
			out = append(out, fmt.Sprintf("%s:%d/%d", l.Name, l.Orders, l.Tasks))
		}
		return out
	}
	t.Run("Zone", func(t *testing.T) {
		lists, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickWave, GroupBy: "zone", Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		// W-1 is in both zones: each zone's picker picks its part.
		if got, want := names(lists), []string{"Wave zone Z-A:2/2", "Wave zone Z-B:2/2"}; !slices.Equal(got, want) {
			t.Fatalf("lists %q, want %q", got, want)
		}
	})
	for _, g := range []struct {
		by   string
		want []string
	}{
		{"carrier", []string{"Wave carrier DHL:1/1", "Wave carrier UPS:2/3"}},
		{"cutoff", []string{"Wave ship by 2026-12-01:1/2", "Wave ship by 2026-12-03:2/2"}},
	} {
		t.Run(g.by, func(t *testing.T) {
			f.release("X-"+g.by+"-1", "UPS", "2026-12-01", testLine{"TEE", 1}, testLine{"SOCK", 1})
			f.release("X-"+g.by+"-2", "DHL", "2026-12-03", testLine{"SOCK", 2})
			f.release("X-"+g.by+"-3", "UPS", "2026-12-03", testLine{"TEE", 3})
			lists, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickWave, GroupBy: g.by})
			if err != nil {
				t.Fatal(err)
			}
			if got := names(lists); !slices.Equal(got, g.want) {
				t.Fatalf("lists %q, want %q", got, g.want)
			}
		})
	}
	t.Run("Limit", func(t *testing.T) {
		for i := range 5 {
			f.release(fmt.Sprintf("L-%d", i), "", fmt.Sprintf("2026-12-1%d", i), testLine{"TEE", 1})
		}
		lists, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickBatch, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		l, err := f.db.PickList(f.ctx, lists[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var orders []string
		for _, s := range l.Stops {
			orders = append(orders, s.Order+" "+s.Tote)
		}
		if want := []string{"L-0 T1", "L-1 T2", "L-2 T3"}; !slices.Equal(orders, want) {
			t.Fatalf("orders %q, want the 3 most urgent %q", orders, want)
		}
	})
}

// TestClaimRace is the acceptance test: 20 pickers claim the next list at
// the same instant; no list is given twice.
func TestClaimRace(t *testing.T) {
	f := newPickFixture(t)
	f.receive("TEE", "A1-01", "", "", 100)
	for i := range 12 {
		f.release(fmt.Sprintf("SO-%d", i), "", "", testLine{"TEE", 1})
		if _, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickSingle}); err != nil {
			t.Fatal(err)
		}
	}
	start := make(chan struct{})
	var wg sync.WaitGroup
	got := make([]int64, 20)
	errs := make([]error, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			l, err := f.db.ClaimPickList(f.ctx, app.PickClaim{UserID: f.users[fmt.Sprintf("picker%d", i+1)]})
			if err == nil {
				got[i] = l.ID
			}
			errs[i] = err
		}()
	}
	close(start)
	wg.Wait()
	seen := map[int64]int{}
	var none int
	for i, id := range got {
		switch {
		case errs[i] == nil:
			if j, dup := seen[id]; dup {
				t.Fatalf("list %d given to picker%d and picker%d", id, j+1, i+1)
			}
			seen[id] = i
		case app.ErrorCode(errs[i]) == app.ENOTFOUND:
			none++
		default:
			t.Fatalf("picker%d: %v", i+1, errs[i])
		}
	}
	if len(seen) != 12 || none != 8 {
		t.Fatalf("%d lists claimed and %d pickers told none is waiting; want 12 and 8", len(seen), none)
	}
	// Each list's holder in the database is the picker it was given to.
	for id, i := range seen {
		l, err := f.db.PickList(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("picker%d", i+1); l.ClaimedBy != want || l.Status != app.ListClaimed {
			t.Fatalf("list %d is %s by %q, want claimed by %s", id, l.Status, l.ClaimedBy, want)
		}
	}
}

func TestClaimExpiry(t *testing.T) {
	f := newPickFixture(t)
	f.receive("TEE", "A1-01", "", "", 100)
	f.release("SO-1", "", "", testLine{"TEE", 2})
	f.release("SO-2", "", "", testLine{"TEE", 2})
	lists, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickBatch, Orders: []string{"SO-1"}})
	if err != nil {
		t.Fatal(err)
	}
	id := lists[0].ID
	p1, p2 := f.users["picker1"], f.users["picker2"]
	claim := func(user, list int64) (*app.PickList, error) {
		return f.db.ClaimPickList(f.ctx, app.PickClaim{UserID: user, ListID: list})
	}
	if l, err := f.db.HeldPickList(f.ctx, p1); err != nil || l != nil {
		t.Fatalf("picker1 holds %v before claiming: %v", l, err)
	}
	if l, err := claim(p1, 0); err != nil || l.ID != id {
		t.Fatalf("picker1 claims next: %v %v", l, err)
	}
	if l, err := f.db.HeldPickList(f.ctx, p1); err != nil || l == nil || l.ID != id || len(l.Stops) != 1 {
		t.Fatalf("picker1 holds %+v: %v", l, err)
	}
	// A reload gives picker1 the same list, not a new one.
	if l, err := claim(p1, 0); err != nil || l.ID != id {
		t.Fatalf("picker1 again: %v %v", l, err)
	}
	if _, err := claim(p2, id); app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "claimed by picker1 until 08:15") {
		t.Fatalf("picker2 takes picker1's list: %v", err)
	}
	if _, err := claim(p2, 0); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("picker2 next while the only list is held: %v", err)
	}
	// A confirmation renews the claim: at 08:10 it lasts until 08:25.
	f.clock.advance(10 * time.Minute)
	l, _ := f.db.PickList(f.ctx, id)
	if _, err := f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: l.Stops[0].ID, Bin: "A1-01", SKU: "TEE", Qty: 1, UserID: p1}); err != nil {
		t.Fatal(err)
	}
	f.clock.advance(10 * time.Minute)
	if _, err := claim(p2, 0); app.ErrorCode(err) != app.ENOTFOUND {
		t.Fatalf("picker2 at 08:20, claim renewed to 08:25: %v", err)
	}
	f.clock.advance(6 * time.Minute)
	// Run out but not taken: picker1 asking again gets it back, renewed.
	if l, err := claim(p1, 0); err != nil || l.ID != id || l.ClaimExpiresAt.Sub(f.clock.now()) != 15*time.Minute {
		t.Fatalf("picker1 after the claim ran out: %+v %v", l, err)
	}
	f.clock.advance(16 * time.Minute)
	if l, err := claim(p2, 0); err != nil || l.ID != id || l.ClaimedBy != "picker2" {
		t.Fatalf("picker2 after expiry: %+v %v", l, err)
	}
	// picker1's expired claim no longer lets picker1 pick.
	_, err = f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: l.Stops[0].ID, Bin: "A1-01", SKU: "TEE", Qty: 1, UserID: p1})
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "claimed by picker2") {
		t.Fatalf("picker1 picks after losing the claim: %v", err)
	}
	t.Run("Release", func(t *testing.T) {
		if _, err := f.db.ReleasePickList(f.ctx, app.PickRelease{ListID: id, UserID: p1}); app.ErrorCode(err) != app.EFORBIDDEN {
			t.Fatalf("picker1 releases picker2's claim: %v", err)
		}
		l, err := f.db.ReleasePickList(f.ctx, app.PickRelease{ListID: id, UserID: p2})
		if err != nil || l.Status != app.ListOpen || l.ClaimedBy != "" {
			t.Fatalf("release: %+v %v", l, err)
		}
		if _, err := f.db.ReleasePickList(f.ctx, app.PickRelease{ListID: id, UserID: p2}); app.ErrorCode(err) != app.ECONFLICT {
			t.Fatalf("release twice: %v", err)
		}
		if l, err := claim(p1, 0); err != nil || l.ID != id {
			t.Fatalf("picker1 takes the released list: %v %v", l, err)
		}
		if _, err := f.db.ReleasePickList(f.ctx, app.PickRelease{ListID: id, UserID: f.users["boss"], Any: true}); err != nil {
			t.Fatalf("manager releases: %v", err)
		}
	})
	f.checkReserved()
}

// TestClaimSkipsCancelled: a list whose order was cancelled (its stops
// cancelled by the orders branch) is not handed out.
func TestClaimSkipsCancelled(t *testing.T) {
	f := newPickFixture(t)
	f.receive("TEE", "A1-01", "", "", 10)
	f.release("SO-1", "", "", testLine{"TEE", 1})
	f.release("SO-2", "", "", testLine{"TEE", 1})
	for _, o := range []string{"SO-1", "SO-2"} {
		if _, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickSingle, Orders: []string{o}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.CancelOrder(f.ctx, "SO-1"); err != nil {
		t.Fatal(err)
	}
	l, err := f.db.ClaimPickList(f.ctx, app.PickClaim{UserID: f.users["picker1"]})
	if err != nil || l.Name != "Order SO-2" {
		t.Fatalf("claimed %+v: %v", l, err)
	}
	// Taken by its id and given back, the empty list is done.
	p2 := f.users["picker2"]
	if _, err := f.db.ClaimPickList(f.ctx, app.PickClaim{ListID: l.ID - 1, UserID: p2}); err != nil {
		t.Fatal(err)
	}
	if l, err := f.db.ReleasePickList(f.ctx, app.PickRelease{ListID: l.ID - 1, UserID: p2}); err != nil || l.Status != app.ListDone || l.OpenTasks != 0 {
		t.Fatalf("released empty list: %+v %v", l, err)
	}
	f.checkReserved()
}
