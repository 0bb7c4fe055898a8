package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"depot/app"
)

// pickingAPIRoutes adds the pick list endpoints: building lists needs
// ManageOrders, reading, claiming and confirming PickOrders.
func (s *server) pickingAPIRoutes(r chi.Router) {
	pick := r.With(s.require(app.PickOrders))
	pick.Get("/api/v1/pick-lists", s.api(s.listPickLists))
	pick.Get("/api/v1/pick-lists/{id}", s.api(s.getPickList))
	pick.Post("/api/v1/pick-lists/claim", s.api(s.claimPickList))
	pick.Post("/api/v1/pick-lists/{id}/claim", s.api(s.claimPickList))
	pick.Post("/api/v1/pick-lists/{id}/release", s.api(s.releasePickList))
	pick.Post("/api/v1/pick-tasks/{id}/confirm", s.api(s.confirmPickTask))
	pick.Post("/api/v1/pick-tasks/{id}/short", s.api(s.shortPickTask))
	r.With(s.require(app.ManageOrders)).Post("/api/v1/pick-lists", s.api(s.createPickLists))
}

type pickListBody struct {
	PickList *app.PickList `json:"pick_list"`
}

type pickListsBody struct {
	PickLists []app.PickList `json:"pick_lists"`
}

// idParam reads the path parameter "id" as a positive whole number; what
// names the thing for the message ("pick list", "pick task").
func idParam(r *http.Request, what string) (int64, error) {
	raw, err := pathParam(r, "id")
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return 0, app.FieldErrorf("id", "must be a %s id (a whole number from 1), not %q", what, clipText(raw))
	}
	return id, nil
}

// createPickLists handles POST /api/v1/pick-lists: 201 with the lists
// built.
func (s *server) createPickLists(w http.ResponseWriter, r *http.Request) error {
	var cmd app.NewPickLists
	if err := decodeBody(w, r, &cmd); err != nil {
		return err
	}
	cmd.UserID = userFrom(r.Context()).ID
	lists, err := s.Picking.CreatePickLists(r.Context(), cmd)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusCreated, pickListsBody{PickLists: lists})
	return nil
}

// listPickLists handles GET /api/v1/pick-lists?status=&limit=.
func (s *server) listPickLists(w http.ResponseWriter, r *http.Request) error {
	q, err := queryParams(r, "status", "limit")
	if err != nil {
		return err
	}
	limit, err := intParam(q, "limit", 1, 1000, 100, "a whole number from 1 to 1000")
	if err != nil {
		return err
	}
	lists, err := s.Picking.PickLists(r.Context(), app.PickListFilter{Status: q["status"], Limit: int(limit)})
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, pickListsBody{PickLists: lists})
	return nil
}

// getPickList handles GET /api/v1/pick-lists/{id}: the list with its
// stops in walk order.
func (s *server) getPickList(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "pick list")
	if err != nil {
		return err
	}
	l, err := s.Picking.PickList(r.Context(), id)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, pickListBody{PickList: l})
	return nil
}

// claimPickList handles POST /api/v1/pick-lists/claim (the next list) and
// POST /api/v1/pick-lists/{id}/claim.
func (s *server) claimPickList(w http.ResponseWriter, r *http.Request) error {
	c := app.PickClaim{UserID: userFrom(r.Context()).ID}
	if chi.URLParam(r, "id") != "" {
		var err error
		if c.ListID, err = idParam(r, "pick list"); err != nil {
			return err
		}
	}
	l, err := s.Picking.ClaimPickList(r.Context(), c)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, pickListBody{PickList: l})
	return nil
}

// releasePickList handles POST /api/v1/pick-lists/{id}/release. A manager
// (ManageOrders) may release another picker's claim.
func (s *server) releasePickList(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "pick list")
	if err != nil {
		return err
	}
	u := userFrom(r.Context())
	l, err := s.Picking.ReleasePickList(r.Context(), app.PickRelease{ListID: id, UserID: u.ID, Any: u.Authorize(app.ManageOrders) == nil})
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, pickListBody{PickList: l})
	return nil
}

// pickScans is the body of a pick confirmation: what the picker scanned.
// Qty counts scans of the item (cases when a case barcode was scanned);
// left out, one scan.
type pickScans struct {
	Bin  string `json:"bin"`
	Item string `json:"item"`
	Lot  string `json:"lot"`
	Qty  *int64 `json:"qty"`
}

// pickConfirm resolves the scans into a confirmation: the item to its SKU
// (a SKU, GTIN, case barcode or GS1 barcode), the lot from the field or the
// GS1 barcode (which must agree), the quantity in base units.
func (s *server) pickConfirm(ctx context.Context, taskID, user int64, sc pickScans) (app.PickConfirm, error) {
	c := app.PickConfirm{TaskID: taskID, UserID: user, Bin: sc.Bin, Lot: sc.Lot}
	if sc.Item == "" {
		return c, app.FieldErrorf("item", "is required: scan the item")
	}
	it, err := s.resolveItem(ctx, "item", sc.Item)
	if err != nil {
		return c, err
	}
	c.SKU, c.ExpiresOn = it.SKU, it.ExpiresOn
	switch {
	case c.Lot == "":
		c.Lot = it.Lot
	case it.Lot != "" && it.Lot != c.Lot:
		return c, app.FieldErrorf("lot", "%s does not match lot %s in the item's GS1 barcode", c.Lot, it.Lot)
	}
	per := max(it.Per, 1)
	c.Qty = per
	if sc.Qty != nil {
		n := *sc.Qty
		if n < 1 || n > app.MaxQty/per {
			return c, app.FieldErrorf("qty", "must be a whole number of scans from 1 (%s counts %d each)", it.SKU, per)
		}
		c.Qty = n * per
	}
	return c, nil
}

// confirmPickTask handles POST /api/v1/pick-tasks/{id}/confirm.
func (s *server) confirmPickTask(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "pick task")
	if err != nil {
		return err
	}
	var sc pickScans
	if err := decodeBody(w, r, &sc); err != nil {
		return err
	}
	c, err := s.pickConfirm(r.Context(), id, userFrom(r.Context()).ID, sc)
	if err != nil {
		return err
	}
	res, err := s.Picking.ConfirmPick(r.Context(), c)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, res)
	return nil
}

// shortPickTask handles POST /api/v1/pick-tasks/{id}/short {"found"}.
func (s *server) shortPickTask(w http.ResponseWriter, r *http.Request) error {
	id, err := idParam(r, "pick task")
	if err != nil {
		return err
	}
	var body struct {
		Found *int64 `json:"found"`
	}
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	if body.Found == nil {
		return app.FieldErrorf("found", "is required: how many are really in the bin (0 when none)")
	}
	res, err := s.Picking.ShortPick(r.Context(), app.PickShort{TaskID: id, Found: *body.Found, UserID: userFrom(r.Context()).ID})
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, res)
	return nil
}

// clock is the server's time: the UI's clock, or the system's for the API
// alone.
func (s *server) clock() time.Time {
	if s.ui != nil && s.ui.Now != nil {
		return s.ui.Now()
	}
	return time.Now()
}
