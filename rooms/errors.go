package rooms

import (
	"errors"
	"fmt"
)

// Domain error kinds. Transports map them to responses in one place each.
var (
	// ErrNotFound means the thing asked for does not exist (or is not visible
	// to the caller, which must look the same).
	ErrNotFound = errors.New("not found")
	// ErrConflict means a uniqueness rule or a concurrent change prevented the
	// write; nothing was written.
	ErrConflict = errors.New("conflict")
	// ErrForbidden means the caller may not do this.
	ErrForbidden = errors.New("forbidden")
	// ErrInvalid means the input breaks a domain rule; see ValidationError.
	ErrInvalid = errors.New("invalid")
	// ErrUnauthenticated means no valid session accompanies the request.
	ErrUnauthenticated = errors.New("unauthenticated")
)

// ValidationError names the field at fault and a stable code for it. It
// matches ErrInvalid with errors.Is.
type ValidationError struct {
	Field   string // JSON name of the field, e.g. "email"
	Code    string // stable, machine-readable, e.g. "required"
	Message string // human-readable, safe to show
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s", e.Field, e.Message)
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Invalid returns a ValidationError for field.
func Invalid(field, code, message string) error {
	return &ValidationError{Field: field, Code: code, Message: message}
}

// ConflictError carries which unique key was taken. It matches ErrConflict.
type ConflictError struct {
	Field string // the unique key, e.g. "email"; empty for version conflicts
}

// Error implements error.
func (e *ConflictError) Error() string {
	if e.Field == "" {
		return "conflict: the record changed concurrently"
	}
	return "conflict: " + e.Field + " is already taken"
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }
