package api

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"
)

// List is a page of a paginated collection. NextCursor, when not empty,
// fetches the next page (?cursor=…); its content is opaque.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

const (
	defaultLimit = 50
	maxLimit     = 200
)

// pageParams reads ?limit= and ?cursor=.
func pageParams(r *http.Request) (cursor int64, limit int, err error) {
	limit = defaultLimit
	if s := r.URL.Query().Get("limit"); s != "" {
		limit, err = strconv.Atoi(s)
		if err != nil || limit < 1 || limit > maxLimit {
			return 0, 0, invalidParam("limit", fmt.Sprintf("limit must be a whole number from 1 to %d.", maxLimit))
		}
	}
	if s := r.URL.Query().Get("cursor"); s != "" {
		b, err := base64.RawURLEncoding.DecodeString(s)
		id, ok := strings.CutPrefix(string(b), "c1:")
		if err == nil && ok {
			cursor, err = strconv.ParseInt(id, 10, 64)
		}
		if err != nil || !ok || cursor <= 0 {
			return 0, 0, invalidParam("cursor", "cursor is not one this API gave out: pass next_cursor from the previous page unchanged.")
		}
	}
	return cursor, limit, nil
}

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("c1:" + strconv.FormatInt(id, 10)))
}

// list builds a List, with a cursor after the last item when the page is full.
func list[T any](items []T, limit int, id func(T) int64) List[T] {
	if items == nil {
		items = []T{}
	}
	l := List[T]{Items: items}
	if len(items) == limit && limit > 0 {
		l.NextCursor = encodeCursor(id(items[len(items)-1]))
	}
	return l
}

// paged serves one page of a collection: fetch gets the cursor (the last
// id seen, 0 for the first page) and the limit.
func paged[T any](r *http.Request, fetch func(ctx context.Context, cursor int64, limit int) ([]T, error), id func(T) int64) (int, any, error) {
	cursor, limit, err := pageParams(r)
	if err != nil {
		return 0, nil, err
	}
	items, err := fetch(r.Context(), cursor, limit)
	return http.StatusOK, list(items, limit, id), err
}

// pagedInSite is paged for a collection of the site in the URL.
func pagedInSite[T any](r *http.Request, fetch func(ctx context.Context, siteID, cursor int64, limit int) ([]T, error), id func(T) int64) (int, any, error) {
	siteID, err := pathID(r, "siteID")
	if err != nil {
		return 0, nil, err
	}
	return paged(r, func(ctx context.Context, cursor int64, limit int) ([]T, error) {
		return fetch(ctx, siteID, cursor, limit)
	}, id)
}

// sitePage reads the site id from the URL and ?cursor= and ?limit=, for a
// filtered list of the site's objects.
func sitePage(r *http.Request) (siteID, cursor int64, limit int, err error) {
	if siteID, err = pathID(r, "siteID"); err != nil {
		return 0, 0, 0, err
	}
	cursor, limit, err = pageParams(r)
	return siteID, cursor, limit, err
}

// siteChild reads the site id and the id named param of an object of that
// site from the URL.
func siteChild(r *http.Request, param string) (site, id int64, err error) {
	if site, err = pathID(r, "siteID"); err != nil {
		return 0, 0, err
	}
	id, err = pathID(r, param)
	return site, id, err
}

// inSite answers 200 with what fn returns for the site's object named by
// param.
func inSite[T any](r *http.Request, param string, fn func(ctx context.Context, site, id int64) (T, error)) (int, any, error) {
	site, id, err := siteChild(r, param)
	if err != nil {
		return 0, nil, err
	}
	v, err := fn(r.Context(), site, id)
	return http.StatusOK, v, err
}

// deleteInSite answers 204 once fn deleted the site's object named by param.
func deleteInSite(r *http.Request, param string, fn func(ctx context.Context, site, id int64) error) (int, any, error) {
	site, id, err := siteChild(r, param)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, fn(r.Context(), site, id)
}

// pathID reads a positive integer path parameter.
func pathID(r *http.Request, name string) (int64, error) {
	s := chi.URLParam(r, name)
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, invalidParam(name, fmt.Sprintf("%s must be a positive whole number, not %q.", name, s))
	}
	return id, nil
}

// nonNil makes a nil slice an empty one, so it encodes as [].
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
