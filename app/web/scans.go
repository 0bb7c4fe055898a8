package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"depot/app"
)

// scanAPIRoutes adds the scan endpoints (inside the authenticated group).
func (s *server) scanAPIRoutes(r chi.Router) {
	r.With(s.require(app.ReadStock)).Post("/api/v1/scans/parse", s.api(s.parseScanAPI))
}

// scanRequest is the body of POST /api/v1/scans/parse.
type scanRequest struct {
	Code *string `json:"code"`
}

// scanJSON is what a scan means, as POST /api/v1/scans/parse answers.
type scanJSON struct {
	Code        string             `json:"code"`
	AIM         string             `json:"aim,omitempty"`
	Symbology   string             `json:"symbology,omitempty"`
	Data        string             `json:"data"`
	GS1         []app.GS1Element   `json:"gs1,omitempty"`
	HRI         string             `json:"hri,omitempty"`
	GTIN        string             `json:"gtin,omitempty"`
	Content     bool               `json:"content,omitempty"`
	Lot         string             `json:"lot,omitempty"`
	ExpiresOn   string             `json:"expires_on,omitempty"`
	ProducedOn  string             `json:"produced_on,omitempty"`
	BestBefore  string             `json:"best_before,omitempty"`
	Serial      string             `json:"serial,omitempty"`
	Count       int64              `json:"count,omitempty"`
	NetWeightMg int64              `json:"net_weight_mg,omitempty"`
	SSCC        string             `json:"sscc,omitempty"`
	Kind        app.CodeKind       `json:"kind"`
	Variant     *app.ScanVariant   `json:"variant,omitempty"`
	Packaging   *app.ScanPackaging `json:"packaging,omitempty"`
	Location    string             `json:"location,omitempty"`
	Qty         int64              `json:"qty,omitempty"`
	LotKnown    bool               `json:"lot_known,omitempty"`
	LotStatus   app.LotStatus      `json:"lot_status,omitempty"`
	LotExpires  string             `json:"lot_expires_on,omitempty"`
}

// parseScanAPI handles POST /api/v1/scans/parse {"code"}: what the scan
// means, or the precise error on field "code" (400 malformed, 404 names
// nothing in depot).
func (s *server) parseScanAPI(w http.ResponseWriter, r *http.Request) error {
	var req scanRequest
	if err := decodeBody(w, r, &req); err != nil {
		return err
	}
	if req.Code == nil {
		return app.FieldErrorf("code", "is required: the scanned or typed code")
	}
	m, err := s.resolveScan(r.Context(), "code", *req.Code)
	if err != nil {
		return err
	}
	sc := m.Scan
	lot := sc.Lot
	if lot == "" {
		lot = m.Lot
	}
	s.writeJSON(w, r, http.StatusOK, scanJSON{
		Code: sc.Code, AIM: sc.AIM, Symbology: sc.Symbology, Data: sc.Data, GS1: sc.GS1, HRI: sc.HRI,
		GTIN: sc.GTIN, Content: sc.Content, Lot: lot, ExpiresOn: sc.ExpiresOn, ProducedOn: sc.ProducedOn,
		BestBefore: sc.BestBefore, Serial: sc.Serial, Count: sc.Count, NetWeightMg: sc.NetWeightMg, SSCC: sc.SSCC,
		Kind: m.Kind, Variant: m.Variant, Packaging: m.Packaging, Location: m.Location, Qty: m.Qty,
		LotKnown: m.LotKnown, LotStatus: m.LotStatus, LotExpires: m.LotExpiresOn,
	})
	return nil
}
