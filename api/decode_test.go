package api

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
)

// A body of the wrong shape gets a problem that says, in words, what is
// expected where; no Go type name ever reaches the client.
func TestDecodeProblems(t *testing.T) {
	type nested struct {
		Tags  []string          `json:"tags"`
		Sub   *struct{ X bool } `json:"sub"`
		When  time.Time         `json:"when"`
		Extra map[string]int    `json:"extra"`
	}
	cases := []struct {
		name    string
		into    func() any
		body    string
		pointer string
		detail  string
	}{
		{"top level list", func() any { return &siteRequest{} }, `[]`,
			"", "The body must be a JSON object, not a list."},
		{"top level string", func() any { return &siteRequest{} }, `"shop"`,
			"", "The body must be a JSON object, not a string."},
		{"rollback to a number", func() any { return &rollbackRequest{} }, `{"to": 7}`,
			"/to", "/to must be a deploy id string such as 20261202T215542Z-515ace17, as listed by GET /v1/sites/{siteID}/deploys (field deploy_id), not a number."},
		{"string field", func() any { return &siteRequest{} }, `{"slug": 5, "name": "b"}`,
			"/slug", "/slug must be a string, not a number."},
		{"whole number", func() any { return &igny8.CreditChange{} }, `{"kind": "grant", "amount": 1.5, "reason": "r"}`,
			"/amount", "/amount must be a whole number, not 1.5."},
		{"whole number as string", func() any { return &igny8.CreditChange{} }, `{"amount": "10"}`,
			"/amount", "/amount must be a whole number, not a string."},
		{"optional whole number", func() any { return &pageRequest{} }, `{"page": {"id": "a"}, "position": true}`,
			"/position", "/position must be a whole number, not true."},
		{"role", func() any { return &roleRequest{} }, `{"role": 1}`,
			"/role", "/role must be one of the roles owner, admin, editor, viewer (a string), not a number."},
		{"list of strings", func() any { return &orderRequest{} }, `{"order": "home"}`,
			"/order", "/order must be a list of strings, not a string."},
		{"item of a list", func() any { return &orderRequest{} }, `{"order": ["home", 2]}`,
			"/order/1", "/order/1 must be a string, not a number."},
		{"time", func() any { return &igny8.TokenSpec{} }, `{"name": "ci", "expires_at": 5}`,
			"/expires_at", "/expires_at must be a date and time string such as 2026-12-02T21:55:42Z (RFC 3339), not a number."},
		{"time unparsable", func() any { return &igny8.TokenSpec{} }, `{"name": "ci", "expires_at": "tomorrow"}`,
			"/expires_at", `/expires_at must be a date and time string such as 2026-12-02T21:55:42Z (RFC 3339), not "tomorrow".`},
		{"nested boolean", func() any { return &nested{} }, `{"sub": {"X": "yes"}}`,
			"/sub/X", "/sub/X must be true or false, not a string."},
		{"map value", func() any { return &nested{} }, `{"extra": {"a/b": "x"}}`,
			"/extra/a~1b", "/extra/a~1b must be a whole number, not a string."},
		{"unknown field", func() any { return &siteRequest{} }, `{"slug": "a", "name": "b", "colour": 1}`,
			"/colour", `Unknown field "colour": the accepted fields are slug, name, site_type, hosting_type.`},
		{"unknown nested field", func() any { return &nested{} }, `{"sub": {"Y": true}}`,
			"/sub/Y", `Unknown field "Y" in /sub: the accepted fields are X.`},
		{"unknown field of an embedded struct's owner", func() any { return &igny8.NewToken{} }, `{"nope": 1}`,
			"/nope", `Unknown field "nope": the accepted fields are id, account_id, user_id, name, prefix, role, scopes, expires_at, last_used_at, revoked_at, created_at, token.`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", strings.NewReader(c.body))
			err := decode(r, c.into())
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("decode(%s) = %v, want a problem", c.body, err)
			}
			if got, want := p.Detail, c.detail; got != want {
				t.Errorf("detail\n got %s\nwant %s", got, want)
			}
			if got, want := p.Status, 400; got != want {
				t.Errorf("status = %d, want %d", got, want)
			}
			var ptr string
			if len(p.Errors) > 0 {
				ptr = p.Errors[0].Pointer
			}
			if got, want := ptr, c.pointer; got != want {
				t.Errorf("pointer = %q, want %q", got, want)
			}
			if strings.Contains(p.Detail, "api.") || strings.Contains(p.Detail, "igny8.") {
				t.Errorf("detail names a Go type: %s", p.Detail)
			}
		})
	}
}

// Several misfits are reported together, each with its pointer.
func TestDecodeProblemsListsEveryField(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader(`{"slug": 1, "name": false, "size": 3}`))
	err := decode(r, &siteRequest{})
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatalf("decode = %v, want a problem", err)
	}
	var got []string
	for _, f := range p.Errors {
		got = append(got, f.Pointer)
	}
	if want := []string{"/name", "/size", "/slug"}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("pointers = %v, want %v (detail %q)", got, want, p.Detail)
	}
}

// What decodes still decodes: null, case-insensitive names, an empty
// optional body field.
func TestDecodeAccepts(t *testing.T) {
	for _, body := range []string{`{"slug": "a", "name": "b"}`, `{"Slug": "a", "name": null}`, `{}`} {
		var req siteRequest
		if err := decode(httptest.NewRequest("POST", "/", strings.NewReader(body)), &req); err != nil {
			t.Errorf("decode(%s) = %v, want nil", body, err)
		}
	}
}

func TestExpectedWords(t *testing.T) {
	cases := []struct {
		v    any
		want string
	}{
		{"", "a string"},
		{int64(0), "a whole number"},
		{uint8(0), "a whole number"},
		{0.5, "a number"},
		{true, "true or false"},
		{[]string{}, "a list of strings"},
		{[]int{}, "a list of whole numbers"},
		{[]bool{}, "a list of true/false values"},
		{[][]string{}, "a list of lists of strings"},
		{[]siteRequest{}, "a list of JSON objects"},
		{map[string]any{}, "a JSON object"},
		{siteRequest{}, "a JSON object"},
		{&siteRequest{}, "a JSON object"},
		{[]byte{}, "a base64 string"},
	}
	for _, c := range cases {
		if got := expected(reflect.TypeOf(c.v), ""); got != c.want {
			t.Errorf("expected(%T) = %q, want %q", c.v, got, c.want)
		}
	}
}

// bodyProblem's own words, for type errors locate does not explain.
func TestBodyProblemTypeError(t *testing.T) {
	err := bodyProblem(&json.UnmarshalTypeError{Value: "number 7", Type: reflect.TypeOf(""), Field: "page.id"})
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatalf("bodyProblem = %v, want a problem", err)
	}
	if got, want := p.Detail, "/page/id must be a string, not a number."; got != want {
		t.Errorf("detail = %q, want %q", got, want)
	}
}
