package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/zadankai/zadankai/rooms"
)

// Error is the body of every error response:
// {"error":{"code":"…","message":"…","field":"…"},"request_id":"…"}.
// Codes are stable; clients switch on them, people read the message.
type Error struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// Error implements error.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// errorBody is the JSON envelope of an Error.
type errorBody struct {
	Error     *Error `json:"error"`
	RequestID string `json:"request_id,omitempty"`
}

// fail records err for the error middleware and stops the chain.
func fail(c *gin.Context, err error) {
	_ = c.Error(err)
	c.Abort()
}

// httpError maps any error to the response it deserves; domain errors are
// mapped here and nowhere else.
func httpError(err error) *Error {
	var ae *Error
	var ve *rooms.ValidationError
	var ce *rooms.ConflictError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &ve):
		return &Error{Status: http.StatusUnprocessableEntity, Code: ve.Code, Message: ve.Message, Field: ve.Field}
	case errors.As(err, &ce):
		return &Error{Status: http.StatusConflict, Code: "conflict", Message: ce.Error(), Field: ce.Field}
	case errors.As(err, &mbe):
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large", Message: "request body is too large"}
	case errors.Is(err, rooms.ErrNotFound):
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: "not found"}
	case errors.Is(err, rooms.ErrUnauthenticated):
		return &Error{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: "log in first"}
	case errors.Is(err, rooms.ErrForbidden):
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: "not allowed"}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error; the request id identifies it in the server log"}
}

// errorMiddleware writes the response for the last error a handler
// recorded, and logs server-side failures once.
func (a *API) errorMiddleware(c *gin.Context) {
	c.Next()
	if len(c.Errors) == 0 || c.Writer.Written() {
		return
	}
	err := c.Errors.Last().Err
	e := httpError(err)
	// An unexpected failure is an error to look into; a deliberate 5xx
	// (server_busy under a login storm, a media plane away) is the server
	// protecting itself, worth a warning but not a page at night.
	switch {
	case e.Code == "internal":
		a.log.ErrorContext(c.Request.Context(), "request failed", "request_id", requestID(c), "err", err)
	case e.Status >= 500:
		a.log.WarnContext(c.Request.Context(), "request refused", "request_id", requestID(c), "code", e.Code, "err", err)
	}
	c.JSON(e.Status, errorBody{Error: e, RequestID: requestID(c)})
}

// badRequest is a 400 for malformed input, naming the field when known.
func badRequest(code, field, msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Field: field, Message: msg}
}
