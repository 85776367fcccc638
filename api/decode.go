package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/igny8/igny8"
)

// decode reads a JSON body into v, rejecting unknown fields and trailing
// data. A body of the wrong shape gets a problem that points at the field
// and says, in words, what the field must be (see locate).
func decode(r *http.Request, v any) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return bodyProblem(err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		if len(bytes.TrimSpace(body)) > 0 && !errors.As(err, &syn) {
			if p := locate(body, reflect.TypeOf(v)); p != nil {
				return p
			}
		}
		return bodyProblem(err)
	}
	if dec.More() {
		return problem(igny8.EInvalid, "The body holds more than one JSON value.")
	}
	return nil
}

var errBodyTooLarge = errors.New("the request body is too large")

// bodyProblem turns an error reading or decoding a body into a problem.
// decode calls it only when locate found nothing more precise.
func bodyProblem(err error) error {
	var tooLarge *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooLarge):
		return problem(CodeTooLarge, fmt.Sprintf("The body is larger than %d bytes.", tooLarge.Limit))
	case errors.Is(err, io.EOF):
		return problem(igny8.EInvalid, "The body is empty; send a JSON object.")
	case errors.As(err, &syn):
		return problem(igny8.EInvalid, fmt.Sprintf("The body is not valid JSON (at byte %d): %v.", syn.Offset, syn))
	case errors.As(err, &typ):
		if typ.Field == "" {
			return problem(igny8.EInvalid, fmt.Sprintf("The body must be %s, not %s.", expected(typ.Type, ""), jsonWords(typ.Value)))
		}
		ptr := "/" + strings.ReplaceAll(typ.Field, ".", "/")
		return invalidField(ptr, fmt.Sprintf("%s must be %s, not %s.", ptr, expected(typ.Type, ""), jsonWords(typ.Value)))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalidField("/"+name, fmt.Sprintf("Unknown field %q: see the OpenAPI document for this operation's fields.", name))
	}
	return problem(igny8.EInvalid, "The body could not be read: "+err.Error())
}
