package web_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"depot/app"
)

// TestShipLastUnitsOverHTTP: 64 clients each ship 1 of the last 10 at once.
// Exactly 10 win; the others are told there is not enough stock; the ledger
// verifies clean.
func TestShipLastUnitsOverHTTP(t *testing.T) {
	e := newEnv(t, nil)
	e.seed()
	e.post(app.Clerk, http.StatusCreated, `{"kind":"receive","idempotency_key":"in","lines":[{"sku":"W-1","qty":10,"to":"A-01"}]}`)

	const clients = 64
	type outcome struct {
		status      int
		code, field string
	}
	outcomes := make([]outcome, clients)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			body := fmt.Sprintf(`{"kind":"ship","idempotency_key":"so-%d","lines":[{"sku":"W-1","qty":1,"from":"A-01"}]}`, i)
			r, err := e.send(e.tokens[app.Packer], "POST", "/api/v1/movements", body)
			if err != nil {
				outcomes[i] = outcome{code: err.Error()}
				return
			}
			outcomes[i].status = r.Status
			if r.Status != http.StatusCreated {
				var ae apiError
				decodeInto(r.Body, &ae)
				outcomes[i].code = ae.Error.Code
				if ae.Error.Field != nil {
					outcomes[i].field = *ae.Error.Field
				}
			}
		}()
	}
	close(start)
	wg.Wait()

	tally := map[outcome]int{}
	for _, o := range outcomes {
		tally[o]++
	}
	want := map[outcome]int{
		{status: http.StatusCreated}: 10,
		{status: http.StatusConflict, code: "conflict", field: "lines[0].qty"}: 54,
	}
	if fmt.Sprint(tally) != fmt.Sprint(want) {
		t.Errorf("outcomes = %v, want %v", tally, want)
	}

	var levels levelsJSON
	e.do(app.Viewer, "GET", "/api/v1/stock?sku=W-1&location=customer", "").must(t, http.StatusOK, &levels)
	if len(levels.Levels) != 1 || levels.Levels[0].OnHand != 10 {
		t.Errorf("customer balance = %+v, want 10", levels.Levels)
	}
	e.do(app.Viewer, "GET", "/api/v1/stock?sku=W-1&location=A-01", "").must(t, http.StatusOK, &levels)
	if len(levels.Levels) != 0 {
		t.Errorf("A-01 = %+v, want nothing left", levels.Levels)
	}
	if got := e.counts()["movements"]; got != 11 {
		t.Errorf("movements = %d, want 11 (1 receipt, 10 shipments)", got)
	}
	rep, err := e.db.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 || rep.Movements != 11 || rep.Legs != 22 {
		t.Errorf("verify: %d movements, %d legs, problems %v", rep.Movements, rep.Legs, rep.Problems)
	}
}
