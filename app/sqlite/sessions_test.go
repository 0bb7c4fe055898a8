package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"depot/app"
	"depot/app/sqlite"
)

func init() { sqlite.BcryptCost = 4 }

// clock is a settable clock for session expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)}
	db := MustOpen(t, sqlite.Options{Now: clk.now})
	ana, err := db.AddUser(ctx, "ana", app.Clerk, "a long enough password")
	if err != nil {
		t.Fatal(err)
	}
	token, err := db.CreateSession(ctx, ana.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("Live", func(t *testing.T) {
		s, err := db.Session(ctx, token)
		if err != nil || s.User.Username != "ana" || s.User.Role != app.Clerk || !s.ExpiresAt.Equal(clk.now().Add(time.Hour)) {
			t.Fatalf("Session = %+v, %v", s, err)
		}
	})
	t.Run("StoredHashed", func(t *testing.T) {
		raw := mustRaw(t, db.Path)
		var n int
		if err := raw.QueryRow(`SELECT count(*) FROM sessions WHERE instr(token_hash, ?) > 0`, token).Scan(&n); err != nil || n != 0 {
			t.Errorf("the raw token is in the table (%d rows, %v)", n, err)
		}
	})
	t.Run("Expires", func(t *testing.T) {
		clk.add(59 * time.Minute)
		if err := db.ExtendSession(ctx, token, time.Hour); err != nil {
			t.Fatal(err)
		}
		clk.add(59 * time.Minute)
		if _, err := db.Session(ctx, token); err != nil {
			t.Fatalf("extended session: %v", err)
		}
		clk.add(2 * time.Minute)
		if _, err := db.Session(ctx, token); app.ErrorCode(err) != app.EUNAUTH {
			t.Errorf("expired session: err %v, want unauthorized", err)
		}
	})
	t.Run("BadTokens", func(t *testing.T) {
		for _, tok := range []string{"", "dps_nope", token + "x", "dpt_" + token[4:]} {
			if _, err := db.Session(ctx, tok); app.ErrorCode(err) != app.EUNAUTH {
				t.Errorf("Session(%q): err %v, want unauthorized", tok, err)
			}
		}
	})
	t.Run("EndAndDisable", func(t *testing.T) {
		a, _ := db.CreateSession(ctx, ana.ID, time.Hour)
		b, _ := db.CreateSession(ctx, ana.ID, time.Hour)
		if err := db.EndSession(ctx, a); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Session(ctx, a); err == nil {
			t.Error("ended session still works")
		}
		if _, err := db.Session(ctx, b); err != nil {
			t.Errorf("ending one session ended another: %v", err)
		}
		if err := db.SetDisabled(ctx, ana.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Session(ctx, b); err == nil {
			t.Error("session of a disabled account still works")
		}
		if _, err := db.CreateSession(ctx, ana.ID, time.Hour); app.ErrorCode(err) != app.ENOTFOUND {
			t.Errorf("session for a disabled account: err %v, want not_found", err)
		}
		if _, err := db.CheckPassword(ctx, "ana", "a long enough password"); app.ErrorCode(err) != app.EUNAUTH {
			t.Errorf("disabled account signs in: %v", err)
		}
		if err := db.SetDisabled(ctx, ana.ID, false); err != nil {
			t.Fatal(err)
		}
	})
}

func TestChangePassword(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	bo, _ := db.AddUser(ctx, "bo", app.Manager, "first password!")
	keep, _ := db.CreateSession(ctx, bo.ID, time.Hour)
	other, _ := db.CreateSession(ctx, bo.ID, time.Hour)
	tests := []struct {
		name, current, next, field, code string
	}{
		{"WrongCurrent", "not it at all", "second password", "current", app.EUNAUTH},
		{"TooShort", "first password!", "short", "password", app.EINVALID},
		{"TooLong", "first password!", string(make([]byte, 73)), "password", app.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.ChangePassword(ctx, bo.ID, tt.current, tt.next, keep)
			if app.ErrorCode(err) != tt.code || app.ErrorField(err) != tt.field {
				t.Fatalf("err %v (field %q), want %s on %s", err, app.ErrorField(err), tt.code, tt.field)
			}
			if _, err := db.CheckPassword(ctx, "bo", "first password!"); err != nil {
				t.Errorf("a refused change changed the password: %v", err)
			}
			if _, err := db.Session(ctx, other); err != nil {
				t.Errorf("a refused change ended a session: %v", err)
			}
		})
	}
	t.Run("Done", func(t *testing.T) {
		if err := db.ChangePassword(ctx, bo.ID, "first password!", "second password", keep); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CheckPassword(ctx, "bo", "second password"); err != nil {
			t.Errorf("new password: %v", err)
		}
		if _, err := db.CheckPassword(ctx, "bo", "first password!"); err == nil {
			t.Error("old password still works")
		}
		if _, err := db.Session(ctx, keep); err != nil {
			t.Errorf("the session that changed the password ended: %v", err)
		}
		if _, err := db.Session(ctx, other); err == nil {
			t.Error("another session survived the password change")
		}
	})
}

func TestCreateFirstOwnerOnlyOnce(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	if _, err := db.CreateFirstOwner(ctx, "has space", "long enough pw"); app.ErrorField(err) != "username" {
		t.Errorf("bad username: err %v", err)
	}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := db.CreateFirstOwner(ctx, "owner"+string(rune('a'+i)), "long enough pw")
			switch app.ErrorCode(err) {
			case "":
				wins.Add(1)
			case app.ECONFLICT:
			default:
				t.Errorf("racer %d: %v", i, err)
			}
		}(i)
	}
	wg.Wait()
	accts, err := db.Accounts(ctx)
	if wins.Load() != 1 || err != nil || len(accts) != 1 || accts[0].Role != app.Owner {
		t.Errorf("%d racers won, accounts %+v (%v); want exactly one owner", wins.Load(), accts, err)
	}
}

func TestRolesAndAccounts(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	u, _ := db.AddUser(ctx, "cy", app.Picker, "long enough pw")
	if err := db.SetRole(ctx, u.ID, "boss"); app.ErrorField(err) != "role" {
		t.Errorf("bad role: %v", err)
	}
	if err := db.SetRole(ctx, u.ID, app.Clerk); err != nil {
		t.Fatal(err)
	}
	if err := db.SetRole(ctx, 999, app.Clerk); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("unknown account: %v", err)
	}
	a, err := db.Account(ctx, u.ID)
	if err != nil || a.Role != app.Clerk || a.Disabled {
		t.Errorf("Account = %+v, %v", a, err)
	}
}

func TestSignInFailures(t *testing.T) {
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 11, 27, 8, 0, 0, 0, time.UTC)}
	db := MustOpen(t, sqlite.Options{Now: clk.now})
	for i := 0; i < 3; i++ {
		db.RecordSignInFailure(ctx, "Ana", "10.0.0.5")
		clk.add(time.Minute)
	}
	db.RecordSignInFailure(ctx, "bo", "10.0.0.5")
	db.RecordSignInFailure(ctx, "ana", "10.0.0.6")
	byUser, byClient, last, err := db.SignInFailures(ctx, "ANA", "10.0.0.5", clk.now().Add(-time.Hour))
	if err != nil || byUser != 4 || byClient != 4 || !last.Equal(clk.now()) {
		t.Errorf("failures = %d by user, %d by client, last %v (%v); want 4, 4, %v", byUser, byClient, last, err, clk.now())
	}
	byUser, _, _, _ = db.SignInFailures(ctx, "ana", "x", clk.now().Add(-90*time.Second))
	if byUser != 2 {
		t.Errorf("failures in the last 90 s = %d, want 2", byUser)
	}
	if err := db.ClearSignInFailures(ctx, "ana"); err != nil {
		t.Fatal(err)
	}
	byUser, byClient, _, _ = db.SignInFailures(ctx, "ana", "10.0.0.5", clk.now().Add(-time.Hour))
	if byUser != 0 || byClient != 1 {
		t.Errorf("after clearing ana: %d by user, %d by client; want 0 and bo's 1", byUser, byClient)
	}
	clk.add(25 * time.Hour)
	db.RecordSignInFailure(ctx, "cy", "10.0.0.7")
	var n int
	mustRaw(t, db.Path).QueryRow(`SELECT count(*) FROM signin_failures`).Scan(&n)
	if n != 1 {
		t.Errorf("%d failure rows after a day, want old ones pruned to 1", n)
	}
}

func TestOnCommitAndMovedVariants(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	MustProduct(t, db, "Widget", false, "W-1", "W-2", "W-3")
	MustLocations(t, db, "A-01", "A-02")
	type span struct{ first, next int64 }
	got := make(chan span, 10)
	cancel := db.OnCommit(func(first, next int64) { got <- span{first, next} })
	m1 := MustPost(t, db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 5, To: "A-01"}, app.MovementLine{SKU: "W-3", Qty: 1, To: "A-02"})
	s := <-got
	if s != (span{m1.ID, m1.ID + 1}) {
		t.Fatalf("hook got %+v, want movement %d alone", s, m1.ID)
	}
	ids, err := db.MovedVariants(ctx, s.first, s.next)
	w1, _ := db.Variant(ctx, "W-1")
	w3, _ := db.Variant(ctx, "W-3")
	if err != nil || !slices.Equal(ids, []int64{w1.ID, w3.ID}) {
		t.Errorf("MovedVariants = %v, %v; want [%d %d]", ids, err, w1.ID, w3.ID)
	}
	// A refused movement commits nothing the hook hears of.
	if _, err := Post(db, app.Ship, app.MovementLine{SKU: "W-2", Qty: 1, From: "A-01"}); err == nil {
		t.Fatal("shipping stock that is not there succeeded")
	}
	if _, err := db.CreateSession(ctx, 0, time.Hour); err == nil {
		t.Fatal("session for no user")
	}
	cancel()
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "W-2", Qty: 1, To: "A-01"})
	select {
	case s := <-got:
		t.Errorf("hook heard %+v after a refusal or after cancel", s)
	default:
	}
}

func TestLedgerCardAndSearch(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	MustProduct(t, db, "Blue mug", false, "MUG-BLU", "MUG-BLU-L")
	MustProduct(t, db, "Tape 100%", false, "TAPE_48")
	MustLocations(t, db, "A-01", "A-02")
	r := MustPost(t, db, app.Receive, app.MovementLine{SKU: "MUG-BLU", Qty: 10, To: "A-01"})
	m := MustPost(t, db, app.Move, app.MovementLine{SKU: "MUG-BLU", Qty: 4, From: "A-01", To: "A-02"})
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "MUG-BLU-L", Qty: 3, To: "A-01"})
	a := MustPost(t, db, app.Adjust, app.MovementLine{SKU: "MUG-BLU", Qty: 1, From: "A-02"})

	card, err := db.LedgerCard(ctx, "mug-blu", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, e := range card {
		ids = append(ids, e.MovementID)
	}
	if !slices.Equal(ids, []int64{a.ID, m.ID, r.ID}) {
		t.Fatalf("card movements %v, want newest first %v", ids, []int64{a.ID, m.ID, r.ID})
	}
	if card[0].Reason != "correction" || card[0].Kind != app.Adjust || len(card[0].Legs) != 2 {
		t.Errorf("adjust entry %+v", card[0])
	}
	if l := card[1].Legs; len(l) != 2 || l[0].Location != "A-01" || l[0].Qty != -4 || l[1].Location != "A-02" || l[1].Qty != 4 || !l[0].Physical {
		t.Errorf("move legs %+v", l)
	}
	if l := card[2].Legs; l[0].Location != "vendor" || l[0].Physical {
		t.Errorf("receive legs %+v: want the vendor side marked virtual", l)
	}
	page, _ := db.LedgerCard(ctx, "MUG-BLU", m.ID, 1)
	if len(page) != 1 || page[0].MovementID != r.ID {
		t.Errorf("page before %d = %+v, want only %d", m.ID, page, r.ID)
	}
	if _, err := db.LedgerCard(ctx, "NOPE", 0, 0); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("unknown SKU: %v", err)
	}

	tests := []struct {
		q    string
		want []string
	}{
		{"mug-blu", []string{"MUG-BLU", "MUG-BLU-L"}},
		{"MUG-BLU-", []string{"MUG-BLU-L"}},
		{"blue", []string{"MUG-BLU", "MUG-BLU-L"}},
		{"100%", []string{"TAPE_48"}},
		{"TAPE_", []string{"TAPE_48"}},
		{"_", []string{}},
		{"", []string{}},
	}
	for _, tt := range tests {
		t.Run("Search"+tt.q, func(t *testing.T) {
			hits, err := db.SearchVariants(ctx, tt.q, 0)
			got := []string{}
			for _, h := range hits {
				got = append(got, h.SKU)
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Errorf("SearchVariants(%q) = %v, %v; want %v", tt.q, got, err, tt.want)
			}
		})
	}
	hits, _ := db.SearchVariants(ctx, "MUG-BLU", 1)
	if len(hits) != 1 || hits[0].OnHand != 9 {
		t.Errorf("hit %+v, want MUG-BLU with 9 on hand (10 in, 1 adjusted out)", hits)
	}
}

func TestChildren(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	MustProduct(t, db, "Widget", false, "W-1")
	MustLocations(t, db) // site WH
	for _, l := range []app.NewLocation{
		{Code: "Z1", Kind: app.KindZone, Parent: "WH", WalkSeq: 2},
		{Code: "Z2", Kind: app.KindZone, Parent: "WH", WalkSeq: 1},
		{Code: "Z1-A", Kind: app.KindAisle, Parent: "Z1"},
		{Code: "Z1-A-01", Kind: app.KindBin, Parent: "Z1-A"},
	} {
		if _, err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 7, To: "Z1-A-01"})
	MustPost(t, db, app.Receive, app.MovementLine{SKU: "W-1", Qty: 2, To: "Z2"})
	kids, err := db.Children(ctx, "wh")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(kids)
	if want := "[{Z2  zone 0 2} {Z1  zone 1 0}]"; got != want {
		t.Errorf("Children(WH) = %s, want %s (walk order, places under, units at the place)", got, want)
	}
	levels, err := db.LocationStock(ctx, "WH", 0)
	if err != nil || fmt.Sprint(levels) != "[{W-1 Z1-A-01  7 0 7} {W-1 Z2  2 0 2}]" {
		t.Errorf("LocationStock(WH) = %v, %v", levels, err)
	}
	one, _ := db.LocationStock(ctx, "WH", 1)
	if len(one) != 1 {
		t.Errorf("LocationStock with limit 1 = %v", one)
	}
	if _, err := db.LocationStock(ctx, "NOPE", 0); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("unknown location: %v", err)
	}
	if _, err := db.Children(ctx, "NOPE"); app.ErrorCode(err) != app.ENOTFOUND {
		t.Errorf("unknown location: %v", err)
	}
}
