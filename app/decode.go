package app

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// DecodePostMovement decodes the JSON body of a movement command strictly
// (see DecodeJSON). It checks the shape only; Validate and FillSides check
// the content. UserID is never read from the body.
func DecodePostMovement(body []byte) (PostMovement, error) {
	var cmd PostMovement
	if err := DecodeJSON(body, &cmd); err != nil {
		return PostMovement{}, err
	}
	cmd.UserID = 0
	return cmd, nil
}

// Limits of DecodeJSON, so that a hostile body costs little.
const (
	maxJSONItems = 10_000 // elements of one array
	maxJSONDepth = 64     // nesting of free-form values (attributes)
)

// DecodeJSON decodes body, which must hold exactly one JSON object, into v, a
// pointer to a struct. It is stricter than encoding/json: a key must equal a
// field's json name exactly and appear once, integers must be written as whole
// numbers, and nothing may follow the object. A JSON null leaves the field at
// its zero value.
//
// Errors are *Error with code invalid. Field is "body" when the JSON is
// malformed (the message says the line, column and byte offset), or else the
// path of the value at fault, like "lines[0].qty" or "variants[1].gtin"; an
// unknown key is named by its own path. An error that is not *Error means v
// has a type DecodeJSON does not support, a bug of the caller. DecodeJSON
// never panics on any body.
func DecodeJSON(body []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("app.DecodeJSON: want a pointer to a struct, got %T", v)
	}
	d := &jsonDecoder{body: body, dec: json.NewDecoder(bytes.NewReader(body))}
	d.dec.UseNumber()
	tok, err := d.dec.Token()
	if err == io.EOF {
		return FieldErrorf("body", "is empty: send a JSON object")
	}
	if err != nil {
		return d.syntax(err)
	}
	if delim, ok := tok.(json.Delim); !ok || delim != '{' {
		return FieldErrorf("body", "must be a JSON object, not %s", describeToken(tok))
	}
	if err := d.object(rv.Elem(), ""); err != nil {
		return err
	}
	end := d.dec.InputOffset()
	switch _, err := d.dec.Token(); {
	case err == io.EOF:
		return nil
	case err != nil:
		return d.syntax(err)
	default:
		for end < int64(len(body)) && strings.IndexByte(" \t\r\n", body[end]) >= 0 {
			end++
		}
		line, col := d.position(end)
		return FieldErrorf("body", "has more after the JSON object (line %d, column %d); send one object", line, col)
	}
}

// jsonDecoder walks the tokens of a body alongside the Go type they fill.
type jsonDecoder struct {
	body []byte
	dec  *json.Decoder
}

var (
	rawMessageType    = reflect.TypeFor[json.RawMessage]()
	textUnmarshalType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// errUnsupported marks a Go type DecodeJSON cannot fill: a caller's bug.
var errUnsupported = errors.New("app.DecodeJSON: unsupported type")

// next reads the next token, turning read errors into body errors.
func (d *jsonDecoder) next() (json.Token, error) {
	tok, err := d.dec.Token()
	if err != nil {
		return nil, d.syntax(err)
	}
	return tok, nil
}

// syntax explains a malformed body with its position. The offsets that
// json.Decoder reports are relative to its buffer, so one scan of the whole
// body finds the true position.
func (d *jsonDecoder) syntax(err error) error {
	var whole struct{}
	var se *json.SyntaxError
	if errors.As(json.Unmarshal(d.body, &whole), &se) {
		if se.Offset < int64(len(d.body)) || strings.HasPrefix(se.Error(), "invalid character") {
			at := max(se.Offset-1, 0) // Offset counts the bytes read, the bad one included
			line, col := d.position(at)
			return FieldErrorf("body", "is not valid JSON at line %d, column %d (byte offset %d): %s",
				line, col, at, strings.TrimPrefix(se.Error(), "json: "))
		}
		err = io.ErrUnexpectedEOF
	}
	if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
		line, col := d.position(int64(len(d.body)))
		return FieldErrorf("body", "is not valid JSON: it ends early at line %d, column %d (byte offset %d); a value or a closing } or ] is missing",
			line, col, len(d.body))
	}
	return FieldErrorf("body", "is not valid JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
}

// position turns a byte offset into a 1-based line and column.
func (d *jsonDecoder) position(off int64) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > int64(len(d.body)) {
		off = int64(len(d.body))
	}
	before := d.body[:off]
	line = 1 + bytes.Count(before, []byte{'\n'})
	col = 1 + len(before) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, col
}

// object fills the struct v from the members of an object whose '{' has
// been read.
func (d *jsonDecoder) object(v reflect.Value, path string) error {
	fields, names := structFields(v.Type())
	seen := map[string]bool{}
	for d.dec.More() {
		tok, err := d.next()
		if err != nil {
			return err
		}
		key, _ := tok.(string) // the decoder only yields strings as keys
		at := joinPath(path, key)
		if seen[key] {
			return FieldErrorf(at, "appears twice")
		}
		seen[key] = true
		i, ok := fields[key]
		if !ok {
			return FieldErrorf(at, "is not a known field; use %s", strings.Join(names, ", "))
		}
		if err := d.value(v.Field(i), at); err != nil {
			return err
		}
	}
	return d.closing('}')
}

// closing reads the delimiter that ends an object or array.
func (d *jsonDecoder) closing(want json.Delim) error {
	tok, err := d.next()
	if err != nil {
		return err
	}
	if delim, ok := tok.(json.Delim); !ok || delim != want {
		return FieldErrorf("body", "is not valid JSON: expected %c", want)
	}
	return nil
}

// value reads one JSON value into v.
func (d *jsonDecoder) value(v reflect.Value, path string) error {
	tok, err := d.next()
	if err != nil {
		return err
	}
	t := v.Type()
	if t == rawMessageType {
		if tok == nil {
			v.SetBytes(nil)
			return nil
		}
		var buf bytes.Buffer
		if err := d.raw(&buf, tok, path, 0); err != nil {
			return err
		}
		v.SetBytes(buf.Bytes())
		return nil
	}
	if tok == nil { // null: the zero value
		v.SetZero()
		return nil
	}
	if t.Kind() == reflect.Pointer {
		elem := reflect.New(t.Elem())
		if err := d.filled(elem.Elem(), tok, path); err != nil {
			return err
		}
		v.Set(elem)
		return nil
	}
	return d.filled(v, tok, path)
}

// filled fills v, which is not a pointer, from the value starting at tok.
func (d *jsonDecoder) filled(v reflect.Value, tok json.Token, path string) error {
	if v.CanAddr() && v.Addr().Type().Implements(textUnmarshalType) {
		s, ok := tok.(string)
		if !ok {
			return FieldErrorf(path, "must be %s, not %s", textHint(v.Type()), describeToken(tok))
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			return FieldErrorf(path, "%q is not %s", clip(s), textHint(v.Type()))
		}
		return nil
	}
	switch v.Kind() {
	case reflect.String:
		s, ok := tok.(string)
		if !ok {
			return FieldErrorf(path, "must be a string, not %s", describeToken(tok))
		}
		v.SetString(s)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, ok := tok.(json.Number)
		if !ok {
			return FieldErrorf(path, "must be a whole number, not %s", describeToken(tok))
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil && strings.ContainsAny(string(n), ".eE") {
			return FieldErrorf(path, "must be a whole number, not %s", clip(string(n)))
		}
		if err != nil || v.OverflowInt(i) {
			return FieldErrorf(path, "must be a whole number; %s is out of range", clip(string(n)))
		}
		v.SetInt(i)
	case reflect.Bool:
		b, ok := tok.(bool)
		if !ok {
			return FieldErrorf(path, "must be true or false, not %s", describeToken(tok))
		}
		v.SetBool(b)
	case reflect.Struct:
		if delim, ok := tok.(json.Delim); !ok || delim != '{' {
			return FieldErrorf(path, "must be an object, not %s", describeToken(tok))
		}
		return d.object(v, path)
	case reflect.Slice:
		if delim, ok := tok.(json.Delim); !ok || delim != '[' {
			return FieldErrorf(path, "must be an array, not %s", describeToken(tok))
		}
		return d.array(v, path)
	default:
		return fmt.Errorf("%w %s at %s", errUnsupported, v.Type(), path)
	}
	return nil
}

// array fills the slice v from an array whose '[' has been read.
func (d *jsonDecoder) array(v reflect.Value, path string) error {
	s := reflect.MakeSlice(v.Type(), 0, 0)
	for i := 0; d.dec.More(); i++ {
		if i == maxJSONItems {
			return FieldErrorf(path, "has more than %d items", maxJSONItems)
		}
		s = reflect.Append(s, reflect.Zero(v.Type().Elem()))
		if err := d.value(s.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	v.Set(s)
	return d.closing(']')
}

// raw copies a free-form value compactly into buf, refusing repeated keys
// and nesting deeper than maxJSONDepth.
func (d *jsonDecoder) raw(buf *bytes.Buffer, tok json.Token, path string, depth int) error {
	if depth > maxJSONDepth {
		return FieldErrorf(path, "nests deeper than %d levels", maxJSONDepth)
	}
	switch t := tok.(type) {
	case json.Delim:
		open, end := byte(t), json.Delim('}')
		if t == '[' {
			end = ']'
		}
		buf.WriteByte(open)
		seen := map[string]bool{}
		for i := 0; d.dec.More(); i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			tok, err := d.next()
			if err != nil {
				return err
			}
			if t == '{' {
				key, _ := tok.(string)
				if seen[key] {
					return FieldErrorf(joinPath(path, key), "appears twice")
				}
				seen[key] = true
				k, _ := json.Marshal(key)
				buf.Write(k)
				buf.WriteByte(':')
				if tok, err = d.next(); err != nil {
					return err
				}
			}
			if err := d.raw(buf, tok, path, depth+1); err != nil {
				return err
			}
		}
		if err := d.closing(end); err != nil {
			return err
		}
		buf.WriteByte(byte(end))
	case string:
		s, _ := json.Marshal(t)
		buf.Write(s)
	case json.Number:
		buf.WriteString(string(t))
	case bool:
		buf.WriteString(strconv.FormatBool(t))
	case nil:
		buf.WriteString("null")
	}
	return nil
}

// structFields maps the JSON names of t's fields to their index, and lists
// the names in order for messages. Fields tagged "-" and unexported fields
// are not decoded.
func structFields(t reflect.Type) (map[string]int, []string) {
	fields := map[string]int{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = i
		names = append(names, name)
	}
	return fields, names
}

func joinPath(path, key string) string {
	key = clip(key)
	if key == "" {
		key = `""` // an empty key still needs a visible name
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// clip shortens text quoted from the body, so that a message stays short.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
		cut--
	}
	return s[:cut] + "..."
}

func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case json.Number:
		return "the number " + clip(string(t))
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "null"
	}
	return "a value"
}

// textHint says what a text-decoded type expects.
func textHint(t reflect.Type) string {
	if t.PkgPath() == "time" && t.Name() == "Time" {
		return "an RFC 3339 instant like \"2025-01-31T14:05:00Z\""
	}
	return "a string"
}
