package sqlite_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"depot/app"
	"depot/app/sqlite"
)

func TestSetLocationAttribute(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t, sqlite.Options{})
	MustLocations(t, db, "PACK", "B2")
	if _, err := db.CreateLocation(ctx, app.NewLocation{Code: "COLD", Kind: app.KindZone, Parent: "WH",
		Attributes: json.RawMessage(`{"temperature":"chilled"}`)}); err != nil {
		t.Fatal(err)
	}
	l, err := db.SetLocationAttribute(ctx, "COLD", "station", json.RawMessage(`{"scale": "sim:nci", "printer":""}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(l.Attributes); got != `{"station":{"scale":"sim:nci","printer":""},"temperature":"chilled"}` {
		t.Errorf("attributes %s: the other key must stay", got)
	}
	if _, err := db.SetLocationAttribute(ctx, "PACK", "station", json.RawMessage(`{"scale":"sim:sics"}`)); err != nil {
		t.Fatal(err)
	}
	locs, err := db.LocationsWithAttribute(ctx, "station")
	if err != nil {
		t.Fatal(err)
	}
	if len(locs) != 2 || locs[0].Code != "COLD" || locs[1].Code != "PACK" {
		t.Fatalf("stations %+v, want COLD and PACK", locs)
	}
	// Removing the key leaves the rest.
	if l, err = db.SetLocationAttribute(ctx, "COLD", "station", nil); err != nil || string(l.Attributes) != `{"temperature":"chilled"}` {
		t.Errorf("remove: %s %v", l.Attributes, err)
	}

	for _, tc := range []struct {
		code, key, value string
		errCode, field   string
	}{
		{"NOPE", "station", `{}`, app.ENOTFOUND, "code"},
		{"vendor", "station", `{}`, app.EINVALID, "code"},
		{"PACK", "Bad Key", `{}`, app.EINVALID, "key"},
		{"PACK", "station", `{"scale":`, app.EINVALID, "station"},
		{"PACK", "station", `"` + strings.Repeat("x", 17<<10) + `"`, app.EINVALID, "station"},
	} {
		_, err := db.SetLocationAttribute(ctx, tc.code, tc.key, json.RawMessage(tc.value))
		if app.ErrorCode(err) != tc.errCode || app.ErrorField(err) != tc.field {
			t.Errorf("%s %s: %v (field %q), want %s on %s", tc.code, tc.key, err, app.ErrorField(err), tc.errCode, tc.field)
		}
	}
	// Nothing was written by the refusals.
	if l, _ := db.Location(ctx, "PACK"); string(l.Attributes) != `{"station":{"scale":"sim:sics"}}` {
		t.Errorf("PACK after refusals: %s", l.Attributes)
	}
}
