package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/igny8/igny8"
)

// Problem is an RFC 9457 problem detail. Code is stable: clients switch on
// it, not on Title or Detail.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Code      string         `json:"code"`
	Errors    []FieldProblem `json:"errors,omitempty"`
	RequestID string         `json:"request_id,omitempty"`
	// Needed and Available come with insufficient_credits (402): the
	// credits the operation needs and those the account has available.
	Needed    *int64 `json:"needed,omitempty"`
	Available *int64 `json:"available,omitempty"`
}

// FieldProblem points at what is wrong in the request: a JSON pointer
// into the body, or a parameter's name.
type FieldProblem struct {
	Pointer   string `json:"pointer,omitempty"`
	Parameter string `json:"parameter,omitempty"`
	Detail    string `json:"detail"`
}

// Error implements error, so handlers can return a *Problem.
func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

// Problem codes beyond igny8's error codes.
const (
	CodeValidation      = "validation_failed"
	CodeRateLimited     = "rate_limited"
	CodeTooLarge        = "payload_too_large"
	CodeMethod          = "method_not_allowed"
	CodeUnsupportedType = "unsupported_media_type"
	CodeNotImplemented  = "not_implemented"
)

var codeStatus = map[string]int{
	igny8.EInvalid:      http.StatusBadRequest,
	CodeValidation:      http.StatusUnprocessableEntity,
	igny8.EUnauthorized: http.StatusUnauthorized,
	igny8.EForbidden:    http.StatusForbidden,
	igny8.ENotFound:     http.StatusNotFound,
	igny8.EConflict:     http.StatusConflict,
	CodeRateLimited:     http.StatusTooManyRequests,
	CodeTooLarge:        http.StatusRequestEntityTooLarge,
	CodeMethod:          http.StatusMethodNotAllowed,
	CodeUnsupportedType: http.StatusUnsupportedMediaType,
	CodeNotImplemented:  http.StatusNotImplemented,
	igny8.EInternal:     http.StatusInternalServerError,

	igny8.EInsufficientCredits: http.StatusPaymentRequired,
}

var codeTitle = map[string]string{
	igny8.EInvalid:      "Bad request",
	CodeValidation:      "Validation failed",
	igny8.EUnauthorized: "Unauthorized",
	igny8.EForbidden:    "Forbidden",
	igny8.ENotFound:     "Not found",
	igny8.EConflict:     "Conflict",
	CodeRateLimited:     "Too many requests",
	CodeTooLarge:        "Payload too large",
	CodeMethod:          "Method not allowed",
	CodeUnsupportedType: "Unsupported media type",
	CodeNotImplemented:  "Not implemented",
	igny8.EInternal:     "Internal error",

	igny8.EInsufficientCredits: "Insufficient credits",
}

// problem builds a Problem for code with detail.
func problem(code, detail string, fields ...FieldProblem) *Problem {
	status, ok := codeStatus[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	return &Problem{
		Type:   "https://igny8.dev/problems/" + code,
		Title:  codeTitle[code],
		Status: status,
		Detail: detail,
		Code:   code,
		Errors: fields,
	}
}

// invalidField is a 400 pointing at one body field.
func invalidField(pointer, detail string) *Problem {
	return problem(igny8.EInvalid, detail, FieldProblem{Pointer: pointer, Detail: detail})
}

// invalidParam is a 400 pointing at one query or path parameter.
func invalidParam(name, detail string) *Problem {
	return problem(igny8.EInvalid, detail, FieldProblem{Parameter: name, Detail: detail})
}

// writeError writes err as problem+json: a *Problem as it is, an
// *igny8.Error by its code, anything else as a 500 whose text is logged,
// never shown.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var p *Problem
	var e *igny8.Error
	switch {
	case errors.As(err, &p):
	case errors.As(err, &e):
		p = problem(e.Code, e.Message)
	case errors.Is(err, errBodyTooLarge):
		p = problem(CodeTooLarge, err.Error())
	default:
		log.ErrorContext(r.Context(), "internal error", "error", err, "method", r.Method, "path", r.URL.Path, "request_id", requestID(r.Context()))
		p = problem(igny8.EInternal, "Something went wrong on our side; the request id identifies it in our logs.")
	}
	var ic *igny8.InsufficientCreditsError
	if errors.As(err, &ic) {
		p.Needed, p.Available = &ic.Needed, &ic.Available
	}
	p.RequestID = requestID(r.Context())
	writeProblem(w, p)
}

func writeProblem(w http.ResponseWriter, p *Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}
