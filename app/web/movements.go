package web

import (
	"math"
	"net/http"
	"strconv"

	"depot/app"
)

// movementBody is the JSON of one movement.
type movementBody struct {
	Movement *app.Movement `json:"movement"`
}

// movementsBody is the JSON of a page of movements. Next is the cursor for
// the following page (the id of the last movement), empty on the last page.
type movementsBody struct {
	Movements []*app.Movement `json:"movements"`
	Next      string          `json:"next"`
}

// shown prepares m for JSON: legs are a list, never null.
func shown(m *app.Movement) *app.Movement {
	if m.Legs == nil {
		m.Legs = []app.Leg{}
	}
	return m
}

// postMovement handles POST /api/v1/movements: 201 with the new movement, or
// 200 with the very same body when the idempotency key was posted before with
// the same command (nothing is written then).
func (s *server) postMovement(w http.ResponseWriter, r *http.Request) error {
	u := userFrom(r.Context())
	// A role that may post no kind at all is refused before the body is read.
	if err := authorizePost(u, ""); err != nil {
		return err
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	cmd, err := app.DecodePostMovement(body)
	if err != nil {
		return err
	}
	if err := authorizePost(u, cmd.Kind); err != nil {
		return err
	}
	cmd.UserID = u.ID
	m, replayed, err := s.Ledger.PostMovement(r.Context(), cmd)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/api/v1/movements/"+strconv.FormatInt(m.ID, 10))
	s.writeJSON(w, r, status, movementBody{Movement: shown(m)})
	return nil
}

// getMovement handles GET /api/v1/movements/{id}.
func (s *server) getMovement(w http.ResponseWriter, r *http.Request) error {
	raw, err := pathParam(r, "id")
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return app.FieldErrorf("id", "must be a movement id (a whole number from 1), not %q", clipText(raw))
	}
	m, err := s.Ledger.Movement(r.Context(), id)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, movementBody{Movement: shown(m)})
	return nil
}

// Page sizes of GET /api/v1/movements.
const (
	defaultMovementsLimit = 100
	maxMovementsLimit     = 1000
)

// listMovements handles GET /api/v1/movements: movements oldest first with a
// leg matching every filter given, after the cursor.
func (s *server) listMovements(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "sku", "location", "lot", "after", "limit")
	if err != nil {
		return err
	}
	after, err := intParam(q, "after", 0, math.MaxInt64, 0, "a movement id: the next of the page before")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", 1, maxMovementsLimit, defaultMovementsLimit, "a whole number from 1 to 1000")
	if err != nil {
		return err
	}
	ms, err := s.Ledger.Movements(r.Context(), app.MovementFilter{
		SKU: q["sku"], Location: q["location"], Lot: q["lot"], After: after, Limit: int(limit),
	})
	if err != nil {
		return err
	}
	out := movementsBody{Movements: make([]*app.Movement, 0, len(ms))}
	for _, m := range ms {
		out.Movements = append(out.Movements, shown(m))
	}
	if int64(len(ms)) == limit {
		out.Next = strconv.FormatInt(ms[len(ms)-1].ID, 10)
	}
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}
