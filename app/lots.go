package app

import (
	"context"
	"strings"
	"time"
)

// LotStatus is whether a lot may be reserved and picked.
type LotStatus string

// Lot statuses. Only available lots may be reserved, picked or shipped.
const (
	LotAvailable  LotStatus = "available"
	LotQuarantine LotStatus = "quarantine"
	LotHold       LotStatus = "hold"
	LotRecalled   LotStatus = "recalled"
	LotExpired    LotStatus = "expired"
)

// LotStatuses lists every status.
var LotStatuses = []LotStatus{LotAvailable, LotQuarantine, LotHold, LotRecalled, LotExpired}

// LotAction is a change of a lot's status a manager makes.
type LotAction string

// Lot actions and the status each leads to.
const (
	LotActionHold       LotAction = "hold"
	LotActionQuarantine LotAction = "quarantine"
	LotActionRelease    LotAction = "release"
	LotActionRecall     LotAction = "recall"
)

// LotActions lists the actions in the order the lot page offers them.
var LotActions = []LotAction{LotActionHold, LotActionQuarantine, LotActionRelease, LotActionRecall}

// Target returns the status the action leads to.
func (a LotAction) Target() LotStatus {
	switch a {
	case LotActionHold:
		return LotHold
	case LotActionQuarantine:
		return LotQuarantine
	case LotActionRelease:
		return LotAvailable
	case LotActionRecall:
		return LotRecalled
	}
	return ""
}

// Allowed returns nil if a lot in status from may take the action, or a
// conflict error saying why not: a recalled lot stays recalled, an expired
// one may only be recalled, and an action must change the status.
func (a LotAction) Allowed(code string, from LotStatus) error {
	to := a.Target()
	switch {
	case to == from:
		return Errorf(ECONFLICT, "lot %s is already %s", code, from.Text())
	case from == LotRecalled:
		return Errorf(ECONFLICT, "lot %s is recalled; a recall is final", code)
	case from == LotExpired && to != LotRecalled:
		return Errorf(ECONFLICT, "lot %s has expired; it can only be recalled", code)
	}
	return nil
}

// Text is the status as a sentence says it: "on hold", "in quarantine".
func (s LotStatus) Text() string {
	switch s {
	case LotHold:
		return "on hold"
	case LotQuarantine:
		return "in quarantine"
	}
	return string(s)
}

// LotStatusChange is the command that changes a lot's status.
type LotStatusChange struct {
	LotID  int64
	Action LotAction
	Reason string
	// UserID is who decided; it is recorded with the change.
	UserID int64
}

// Validate checks the command; errors name the fields action and reason.
func (c *LotStatusChange) Validate() error {
	c.Reason = strings.TrimSpace(c.Reason)
	if c.Action.Target() == "" {
		return FieldErrorf("action", "%q is not a lot action: use hold, quarantine, release or recall", c.Action)
	}
	if c.Reason == "" {
		return FieldErrorf("reason", "is required: say why the lot's status changes")
	}
	return checkText("reason", c.Reason, 1, 500)
}

// LotDetails are the facts of a lot that its receipt may not have
// carried: when it was made and its certificate (of analysis, of
// conformity) reference.
type LotDetails struct {
	ManufacturedOn string // YYYY-MM-DD or "" for unknown
	CertificateRef string
}

// Validate checks and normalizes the details; errors name the fields
// manufactured_on and certificate_ref.
func (d *LotDetails) Validate(today time.Time) error {
	d.ManufacturedOn, d.CertificateRef = strings.TrimSpace(d.ManufacturedOn), strings.TrimSpace(d.CertificateRef)
	if d.ManufacturedOn != "" {
		t, err := time.Parse("2006-01-02", d.ManufacturedOn)
		if err != nil {
			return FieldErrorf("manufactured_on", "%q is not a date: write YYYY-MM-DD", d.ManufacturedOn)
		}
		if t.After(today) {
			return FieldErrorf("manufactured_on", "%s is in the future", d.ManufacturedOn)
		}
	}
	return checkText("certificate_ref", d.CertificateRef, 0, 200)
}

// Lot is a batch of one variant with its dates and status.
type Lot struct {
	ID             int64
	Code           string
	SKU            string
	ProductName    string
	Supplier       string
	ManufacturedOn string // YYYY-MM-DD or ""
	ExpiresOn      string // YYYY-MM-DD or ""
	CertificateRef string
	Status         LotStatus
	CreatedAt      time.Time
	// OnHand and Reserved are the lot's units at physical places.
	OnHand, Reserved int64
}

// LotStatusEvent is one recorded change of a lot's status.
type LotStatusEvent struct {
	From, To LotStatus
	Reason   string
	User     string
	At       time.Time
}

// LotFilter selects lots. ExpiringDays > 0 keeps lots expiring within that
// many days of Today (those already past included).
type LotFilter struct {
	SKU          string
	Status       LotStatus
	ExpiringDays int
	Today        time.Time
	Limit        int
}

// LotService reads lots and changes their status.
type LotService interface {
	// Lots returns lots matching f, soonest expiry first. Errors: invalid
	// (status), not_found (sku).
	Lots(ctx context.Context, f LotFilter) ([]Lot, error)
	// Lot returns one lot. Errors: not_found.
	Lot(ctx context.Context, id int64) (*Lot, error)
	// LotLevels returns where the lot is now: its non-zero levels at
	// physical places.
	LotLevels(ctx context.Context, id int64) ([]Level, error)
	// LotHistory returns the lot's status changes, newest first.
	LotHistory(ctx context.Context, id int64) ([]LotStatusEvent, error)
	// SetLotDetails sets the lot's manufacturing date and certificate
	// reference. Errors: invalid, not_found.
	SetLotDetails(ctx context.Context, id int64, d LotDetails) (*Lot, error)
	// ChangeLotStatus applies the action and records who, when and why.
	// Errors: invalid, not_found, conflict (see LotAction.Allowed).
	ChangeLotStatus(ctx context.Context, c LotStatusChange) (*Lot, error)
}
