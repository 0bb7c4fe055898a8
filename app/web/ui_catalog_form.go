package web

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"depot/app"
	"depot/views"
)

// parseDecimal reads a non-negative decimal number with at most scale
// digits after the point ("2.90", "350", "0.125") as an integer of
// 10^-scale units, without floats. "" is 0.
func parseDecimal(field, s string, scale int, what string) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", "."))
	if s == "" {
		return 0, nil
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > scale {
		return 0, app.FieldErrorf(field, "%q has more than %d digits after the point", clipText(s), scale)
	}
	frac += strings.Repeat("0", scale-len(frac))
	if whole == "" {
		whole = "0"
	}
	w, err1 := strconv.ParseUint(whole, 10, 63)
	f, err2 := strconv.ParseUint("0"+frac, 10, 63)
	if err1 != nil || err2 != nil || w > app.MaxQty {
		return 0, app.FieldErrorf(field, "%q is not %s", clipText(s), what)
	}
	mul := int64(1)
	for i := 0; i < scale; i++ {
		mul *= 10
	}
	return int64(w)*mul + int64(f), nil
}

// formatDecimal is the inverse of parseDecimal, without trailing zeros
// beyond min digits.
func formatDecimal(n int64, scale, min int) string {
	mul := int64(1)
	for i := 0; i < scale; i++ {
		mul *= 10
	}
	s := strconv.FormatInt(n/mul, 10)
	frac := strconv.FormatInt(n%mul+mul, 10)[1:]
	for len(frac) > min && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	if frac != "" {
		s += "." + frac
	}
	return s
}

// parseWhole reads a whole number from 0 to max; "" is 0.
func parseWhole(field, s string, max int64) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > max {
		return 0, app.FieldErrorf(field, "%q is not a whole number from 0 to %d", clipText(s), max)
	}
	return n, nil
}

// parseAttributes reads "color=blue, size=M" (or a JSON object) into a
// JSON object.
func parseAttributes(field, s string) (json.RawMessage, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if strings.HasPrefix(s, "{") {
		return json.RawMessage(s), nil
	}
	m := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" {
			return nil, app.FieldErrorf(field, "%q is not name=value; write attributes as color=blue, size=M", clipText(part))
		}
		if _, dup := m[k]; dup {
			return nil, app.FieldErrorf(field, "%q is given twice", clipText(k))
		}
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b, nil
}

// attributesText shows attributes as "color=blue, size=M" (keys sorted).
func attributesText(raw json.RawMessage) string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		v, ok := m[k].(string)
		if !ok {
			b, _ := json.Marshal(m[k])
			v = string(b)
		}
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, ", ")
}

// variantForm reads one variant's inputs (prefix "" or "v0.") into a
// NewVariant; errors name the form's fields.
func variantForm(f views.Form, prefix string) (app.NewVariant, error) {
	v := app.NewVariant{SKU: f.Value(prefix + "sku"), GTIN: f.Value(prefix + "gtin"), TrackLots: f.Value(prefix+"lots") != ""}
	var err error
	if v.Attributes, err = parseAttributes(prefix+"attributes", f.Value(prefix+"attributes")); err != nil {
		return v, err
	}
	if v.UnitWeightMg, err = parseDecimal(prefix+"weight_g", f.Value(prefix+"weight_g"), 3, "a weight in grams, like 350 or 12.5"); err != nil {
		return v, err
	}
	if v.UnitCostMinor, err = parseDecimal(prefix+"cost", f.Value(prefix+"cost"), 2, "an amount like 2.90"); err != nil {
		return v, err
	}
	return v, nil
}

// formFieldOf maps a field of app validation (unit_weight_mg,
// variants[1].gtin) to the form's input (weight_g, v1.gtin).
func formFieldOf(field string) string {
	r := strings.NewReplacer("unit_weight_mg", "weight_g", "unit_cost_minor", "cost", "track_lots", "lots")
	field = r.Replace(field)
	if rest, ok := strings.CutPrefix(field, "variants["); ok {
		if i, tail, ok := strings.Cut(rest, "]"); ok {
			field = "v" + i + tail
		}
	}
	return field
}

// asFormError renames the field of an app error to the form's input.
func asFormError(err error) error {
	e, ok := err.(*app.Error)
	if !ok || e.Field == "" {
		return err
	}
	c := *e
	c.Field = formFieldOf(e.Field)
	return &c
}
