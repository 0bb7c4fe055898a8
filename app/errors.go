// Package app is the vocabulary of depot: the domain types, the rules that
// need no storage, the errors and the service interfaces. Of ours it imports
// only app/gs1, the GS1 element-string rules, which import nothing of ours;
// never database/sql nor net/http.
package app

import (
	"errors"
	"fmt"
)

// Error codes. app/web maps each to one HTTP status.
const (
	EINVALID     = "invalid"      // bad input: the field says which
	ENOTFOUND    = "not_found"    // a named thing does not exist
	ECONFLICT    = "conflict"     // valid input the current state refuses (not enough stock, key reused)
	EUNAUTH      = "unauthorized" // no or bad credentials
	EFORBIDDEN   = "forbidden"    // credentials fine, role not allowed
	EUNAVAILABLE = "unavailable"  // shutting down or overloaded; try again
	EINTERNAL    = "internal"     // a bug or a broken disk; details are logged, not shown
)

// Error is the one error type of depot. Message is written for the person who
// reads it; Field names the input at fault (JSON path like "lines[0].qty").
type Error struct {
	Code    string
	Message string
	Field   string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an invalid-input error naming the field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// coded is the error of a package app imports, which cannot build an *Error
// (app/gs1's *gs1.Error): it names its code, and its text is the message.
type coded interface {
	error
	ErrorCode() string
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error
// (or coded, see above) and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var c coded
	if errors.As(err, &c) {
		return c.ErrorCode()
	}
	return EINTERNAL
}

// ErrorMessage returns the human message of err; "internal error" for errors
// that are not *Error, so nothing internal leaks to users.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	var c coded
	if errors.As(err, &c) {
		return c.Error()
	}
	return "internal error"
}

// ErrorField returns the field named by err, or "".
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}
