package sqlite

import (
	"strings"
	"testing"

	"depot/app"
)

// claimOnly builds a single list of the order, lets user claim it and
// returns it with its stops.
func (f *pickFixture) claimOnly(order string, user int64) *app.PickList {
	f.t.Helper()
	lists, err := f.db.CreatePickLists(f.ctx, app.NewPickLists{Kind: app.PickSingle, Orders: []string{order}})
	if err != nil {
		f.t.Fatal(err)
	}
	l, err := f.db.ClaimPickList(f.ctx, app.PickClaim{ListID: lists[0].ID, UserID: user})
	if err != nil {
		f.t.Fatal(err)
	}
	return l
}

func TestConfirmPick(t *testing.T) {
	f := newPickFixture(t)
	f.receive("TEE", "A1-03", "", "", 10)
	f.receive("MILK", "A1-05", "L1", "2027-01-31", 10)
	f.receive("MILK", "A1-05", "L2", "2027-03-31", 10)
	// FEFO: lot L1 expires first.
	f.release("SO-1", "", "", testLine{"TEE", 4}, testLine{"MILK", 3})
	p1 := f.users["picker1"]
	l := f.claimOnly("SO-1", p1)
	tee, milk := l.Stops[0], l.Stops[1]
	if tee.SKU != "TEE" || milk.SKU != "MILK" || milk.Lot != "L1" || milk.LotExpiresOn != "2027-01-31" {
		t.Fatalf("stops %+v", l.Stops)
	}
	refusals := []struct {
		name, field, msg string
		c                app.PickConfirm
	}{
		{"WrongBin", "bin", "you scanned A1-04, but this stop is bin A1-03", app.PickConfirm{TaskID: tee.ID, Bin: "A1-04", SKU: "TEE", Qty: 1}},
		{"NoBin", "bin", "scan bin A1-03", app.PickConfirm{TaskID: tee.ID, SKU: "TEE", Qty: 1}},
		{"WrongItem", "item", "you scanned MILK, but this stop is TEE", app.PickConfirm{TaskID: tee.ID, Bin: "a1-03", SKU: "MILK", Qty: 1}},
		{"TooMany", "qty", "5 is more than the 4 left", app.PickConfirm{TaskID: tee.ID, Bin: "A1-03", SKU: "TEE", Qty: 5}},
		{"Zero", "qty", "at least 1", app.PickConfirm{TaskID: tee.ID, Bin: "A1-03", SKU: "TEE"}},
		{"NoLot", "lot", "MILK is tracked by lot: scan lot L1", app.PickConfirm{TaskID: milk.ID, Bin: "A1-05", SKU: "MILK", Qty: 1}},
		{"WrongLot", "lot", "lot L2 is not the allocated lot: take lot L1", app.PickConfirm{TaskID: milk.ID, Bin: "A1-05", SKU: "MILK", Lot: "L2", Qty: 1}},
		{"WrongExpiry", "lot", "expires 2027-02-28, but lot L1 expires 2027-01-31",
			app.PickConfirm{TaskID: milk.ID, Bin: "A1-05", SKU: "MILK", Lot: "L1", ExpiresOn: "2027-02-28", Qty: 1}},
	}
	for _, r := range refusals {
		t.Run(r.name, func(t *testing.T) {
			r.c.UserID = p1
			_, err := f.db.ConfirmPick(f.ctx, r.c)
			if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != r.field || !strings.Contains(err.Error(), r.msg) {
				t.Fatalf("got %v (field %q), want %s: %s", err, app.ErrorField(err), r.field, r.msg)
			}
			if on, res := f.level("TEE", "A1-03"); on != 10 || res != 4 {
				t.Fatalf("refused pick changed A1-03: on hand %d reserved %d", on, res)
			}
		})
	}
	t.Run("NotTheHolder", func(t *testing.T) {
		_, err := f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: tee.ID, Bin: "A1-03", SKU: "TEE", Qty: 1, UserID: f.users["picker2"]})
		if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "claimed by picker1, not by you") {
			t.Fatalf("picker2: %v", err)
		}
	})
	t.Run("PartialThenRest", func(t *testing.T) {
		r, err := f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: tee.ID, Bin: "A1-03", SKU: "TEE", Qty: 1, UserID: p1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Task.PickedQty != 1 || r.Task.Status != app.TaskOpen || r.Movement == 0 || r.OrderPicked || r.ListDone {
			t.Fatalf("after 1 of 4: %+v", r)
		}
		// The allocation is split: 3 open in the bin, 1 picked at PACK.
		if on, res := f.level("TEE", "A1-03"); on != 9 || res != 3 {
			t.Fatalf("A1-03: on hand %d reserved %d, want 9 and 3", on, res)
		}
		if on, res := f.level("TEE", "PACK"); on != 1 || res != 1 {
			t.Fatalf("PACK: on hand %d reserved %d, want 1 and 1", on, res)
		}
		m, err := f.db.Movement(f.ctx, r.Movement)
		if err != nil {
			t.Fatal(err)
		}
		if m.Kind != app.Move || m.Reference == nil || m.Reference.Type != "pick_list" || m.User != "picker1" {
			t.Fatalf("movement %+v", m)
		}
		// A second tap of a screen that showed 0 picked picks nothing.
		seen := int64(0)
		_, err = f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: tee.ID, Bin: "A1-03", SKU: "TEE", Qty: 1, UserID: p1, Seen: &seen})
		if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "nothing was picked again") {
			t.Fatalf("double tap: %v", err)
		}
		seen = 1
		r, err = f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: tee.ID, Bin: "A1-03", SKU: "TEE", Qty: 3, UserID: p1, Seen: &seen})
		if err != nil {
			t.Fatal(err)
		}
		if r.Task.PickedQty != 4 || r.Task.Status != app.TaskPicked || r.OrderPicked {
			t.Fatalf("after 4 of 4: %+v", r)
		}
		_, err = f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: tee.ID, Bin: "A1-03", SKU: "TEE", Qty: 1, UserID: p1})
		if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "picked already") {
			t.Fatalf("picking a done stop: %v", err)
		}
	})
	t.Run("LastStopPicksOrder", func(t *testing.T) {
		r, err := f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: milk.ID, Bin: "A1-05", SKU: "MILK", Lot: "L1", ExpiresOn: "2027-01-31", Qty: 3, UserID: p1})
		if err != nil {
			t.Fatal(err)
		}
		if !r.OrderPicked || !r.ListDone {
			t.Fatalf("last stop: %+v", r)
		}
		if s := f.orderStatus("SO-1"); s != "picked" {
			t.Fatalf("SO-1 is %s", s)
		}
		var lines, picked, allocs int64
		f.db.read.QueryRowContext(f.ctx, `SELECT count(*), sum(picked_qty) FROM sales_order_lines`).Scan(&lines, &picked)
		f.db.read.QueryRowContext(f.ctx, `SELECT count(*) FROM allocations a JOIN locations l ON l.id = a.location_id
			WHERE a.status = 'picked' AND l.code = 'PACK'`).Scan(&allocs)
		if picked != 7 || allocs != 3 {
			t.Fatalf("lines picked %d (want 7), picked allocations at PACK %d (want 3: TEE split in two, MILK)", picked, allocs)
		}
		l, _ := f.db.PickList(f.ctx, l.ID)
		if l.Status != app.ListDone || l.OpenTasks != 0 {
			t.Fatalf("list %+v", l)
		}
	})
	f.checkReserved()
}

func TestShortPick(t *testing.T) {
	f := newPickFixture(t)
	f.receive("TEE", "A1-03", "", "", 5)
	f.receive("TEE", "B1-07", "", "", 2)
	f.receive("TEE", "A2-01", "", "", 1)
	// FIFO: A1-03 was received first.
	f.release("SO-1", "", "", testLine{"TEE", 5})
	p1 := f.users["picker1"]
	l := f.claimOnly("SO-1", p1)
	task := l.Stops[0]
	t.Run("FoundIsNotShort", func(t *testing.T) {
		_, err := f.db.ShortPick(f.ctx, app.PickShort{TaskID: task.ID, Found: 5, UserID: p1})
		if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != "found" {
			t.Fatalf("found all: %v", err)
		}
	})
	// The bin holds 1 of 5: 1 picked, 3 from other bins (FIFO: B1-07,
	// then A2-01; never A1-03 again), 1 backordered.
	r, err := f.db.ShortPick(f.ctx, app.PickShort{TaskID: task.ID, Found: 1, UserID: p1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Task.Status != app.TaskShort || r.Task.PickedQty != 1 || r.Movement == 0 || r.Backordered != 1 || r.CountRequest == 0 || r.ListDone {
		t.Fatalf("short: %+v", r)
	}
	if len(r.Reallocated) != 2 || r.Reallocated[0].Qty+r.Reallocated[1].Qty != 3 {
		t.Fatalf("reallocated %+v", r.Reallocated)
	}
	if on, res := f.level("TEE", "A1-03"); on != 4 || res != 0 {
		t.Fatalf("A1-03 after the short pick: on hand %d reserved %d, want 4 (until counted) and 0", on, res)
	}
	var allocated, backordered, picked int64
	f.db.read.QueryRowContext(f.ctx, `SELECT allocated_qty, backordered_qty, picked_qty FROM sales_order_lines`).Scan(&allocated, &backordered, &picked)
	if allocated != 4 || backordered != 1 || picked != 1 {
		t.Fatalf("line allocated %d backordered %d picked %d, want 4, 1, 1", allocated, backordered, picked)
	}
	reqs, err := f.db.CountRequests(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(reqs) != 1 || reqs[0].Location != "A1-03" || reqs[0].SKU != "TEE" || !strings.Contains(reqs[0].Reason, "found 1, 4 missing") {
		t.Fatalf("count requests %+v", reqs)
	}
	if n, err := f.db.CountRequestsDone(f.ctx, "a1-03"); err != nil || n != 1 {
		t.Fatalf("count of A1-03 closes %d requests: %v", n, err)
	}
	if reqs, _ := f.db.CountRequests(f.ctx); len(reqs) != 0 {
		t.Fatalf("open after the count: %+v", reqs)
	}
	l, _ = f.db.PickList(f.ctx, l.ID)
	// The new stops follow the short one in walk order: A2 (first aisle
	// left) then B1; same tote.
	if got, want := stops(l), []string{"A1-03 TEE 5 T1", "A2-01 TEE 1 T1", "B1-07 TEE 2 T1"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("stops %q, want %q", got, want)
	}
	f.checkReserved()
	for _, s := range l.Stops[1:] {
		if _, err := f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: s.ID, Bin: s.Location, SKU: s.SKU, Qty: s.Qty, UserID: p1}); err != nil {
			t.Fatal(err)
		}
	}
	if s := f.orderStatus("SO-1"); s != "picked" {
		t.Fatalf("SO-1 is %s after its last stop", s)
	}
	if on, res := f.level("TEE", "PACK"); on != 4 || res != 4 {
		t.Fatalf("PACK: %d on hand %d reserved, want 4 and 4", on, res)
	}
	f.checkReserved()
}

func TestShortPickNothingFound(t *testing.T) {
	f := newPickFixture(t)
	// The bin found empty is the only one with stock: all is backordered.
	f.receive("TEE", "A1-03", "", "", 5)
	f.release("SO-1", "", "", testLine{"TEE", 2})
	p1 := f.users["picker1"]
	l := f.claimOnly("SO-1", p1)
	r, err := f.db.ShortPick(f.ctx, app.PickShort{TaskID: l.Stops[0].ID, Found: 0, UserID: p1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Movement != 0 || r.Backordered != 2 || !r.ListDone || r.OrderPicked {
		t.Fatalf("nothing found: %+v", r)
	}
	// Nothing of it was picked: the order waits for stock again.
	if s := f.orderStatus("SO-1"); s != "released" {
		t.Fatalf("SO-1 is %s", s)
	}
	f.checkReserved()
}

// TestShortPickRecalledLot: a lot recalled after its allocation may not be
// picked; the picker shorts it with 0 found and the line is allocated from
// the next lot (FEFO), without a count request.
func TestShortPickRecalledLot(t *testing.T) {
	f := newPickFixture(t)
	f.receive("MILK", "A1-05", "L1", "2027-01-31", 5)
	f.receive("MILK", "B1-02", "L2", "2027-02-28", 5)
	f.release("SO-1", "", "", testLine{"MILK", 2})
	p1 := f.users["picker1"]
	l := f.claimOnly("SO-1", p1)
	if l.Stops[0].Lot != "L1" {
		t.Fatalf("FEFO allocated %+v", l.Stops[0])
	}
	var lotID int64
	f.db.read.QueryRowContext(f.ctx, `SELECT id FROM lots WHERE code = 'L1'`).Scan(&lotID)
	if _, err := f.db.ChangeLotStatus(f.ctx, app.LotStatusChange{LotID: lotID, Action: app.LotActionRecall, Reason: "supplier recall"}); err != nil {
		t.Fatal(err)
	}
	task := l.Stops[0].ID
	_, err := f.db.ConfirmPick(f.ctx, app.PickConfirm{TaskID: task, Bin: "A1-05", SKU: "MILK", Lot: "L1", Qty: 2, UserID: p1})
	if app.ErrorCode(err) != app.ECONFLICT || !strings.Contains(err.Error(), "lot L1 of MILK is recalled") {
		t.Fatalf("picking a recalled lot: %v", err)
	}
	_, err = f.db.ShortPick(f.ctx, app.PickShort{TaskID: task, Found: 1, UserID: p1})
	if app.ErrorCode(err) != app.EINVALID || app.ErrorField(err) != "found" {
		t.Fatalf("short pick of 1 of a recalled lot: %v", err)
	}
	r, err := f.db.ShortPick(f.ctx, app.PickShort{TaskID: task, Found: 0, UserID: p1})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Reallocated) != 1 || r.Reallocated[0].Lot != "L2" || r.Reallocated[0].Location != "B1-02" || r.Backordered != 0 || r.CountRequest != 0 {
		t.Fatalf("short of a recalled lot: %+v", r)
	}
	f.checkReserved()
}
