package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// bindJSON decodes the body into dst, refusing non-JSON content types,
// unknown fields, trailing data and wrong types, each with the field at
// fault. Values are decoded into typed Go fields, so an object such as
// {"$gt": ""} can never reach a query where a string is expected.
func bindJSON(c *gin.Context, dst any) error {
	if mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type")); mt != "application/json" {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "send application/json"}
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("malformed_json", "", "one JSON object expected, found more data after it")
	}
	return nil
}

func jsonError(err error) error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.As(err, &typeErr):
		return badRequest("wrong_type", typeErr.Field, fmt.Sprintf("%s must be a %s", typeErr.Field, typeErr.Type))
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed_json", "", "the body is not valid JSON")
	case errors.Is(err, io.EOF):
		return badRequest("malformed_json", "", "the body is empty")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badRequest("unknown_field", field, "unknown field "+field)
	}
	return badRequest("malformed_json", "", "the body is not valid JSON")
}
