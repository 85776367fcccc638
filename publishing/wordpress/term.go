package wordpress

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"
)

// Taxonomy is a WordPress taxonomy, named by its REST base.
type Taxonomy string

const (
	// Categories is wp/v2/categories.
	Categories Taxonomy = "categories"
	// Tags is wp/v2/tags.
	Tags Taxonomy = "tags"
)

func (t Taxonomy) route() string { return "/wp/v2/" + string(t) }

// Term is a category or tag, read with context=edit.
type Term struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Description string `json:"description"`
	Parent      int64  `json:"parent"`
	Count       int    `json:"count"`
	Link        string `json:"link"`
}

// Terms lists every term of a taxonomy, for an import.
func (c *Client) Terms(ctx context.Context, tax Taxonomy) ([]*Term, error) {
	items, err := c.FetchAll(ctx, tax.route(), url.Values{"context": {"edit"}, "hide_empty": {"false"}})
	if err != nil {
		return nil, err
	}
	terms := make([]*Term, 0, len(items))
	for _, raw := range items {
		var t Term
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, fmt.Errorf("wordpress: read a term of %s: %w", tax, err)
		}
		terms = append(terms, &t)
	}
	return terms, nil
}

// Term reads one term by id.
func (c *Client) Term(ctx context.Context, tax Taxonomy, id int64) (*Term, error) {
	var t Term
	if err := c.Do(ctx, http.MethodGet, tax.route()+"/"+strconv.FormatInt(id, 10), url.Values{"context": {"edit"}}, nil, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

// termBySlug returns the term with slug, or nil.
func (c *Client) termBySlug(ctx context.Context, tax Taxonomy, slug string) (*Term, error) {
	var ts []*Term
	if err := c.Do(ctx, http.MethodGet, tax.route(), url.Values{"slug": {slug}, "context": {"edit"}, "hide_empty": {"false"}}, nil, &ts); err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, nil
	}
	return ts[0], nil
}

// EnsureTerm returns the term of tax named name, creating it if the site
// has none. It is safe against a concurrent writer: it looks the slug up
// first, and when creating, WordPress's refusal of a name that exists
// (400 term_exists, with the term's id in data.term_id) returns that
// term instead.
func (c *Client) EnsureTerm(ctx context.Context, tax Taxonomy, name string) (*Term, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, errors.New("wordpress: a term needs a name")
	}
	if slug := Slugify(name); slug != "" {
		t, err := c.termBySlug(ctx, tax, slug)
		if err != nil || t != nil {
			return t, err
		}
	}
	var t Term
	err := c.Do(ctx, http.MethodPost, tax.route(), nil, map[string]string{"name": name}, &t)
	if id, ok := existingTerm(err, "term_id"); ok {
		return c.Term(ctx, tax, id)
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// existingTerm reads the id of the term a "term_exists" refusal names,
// under key (WordPress: term_id; WooCommerce: resource_id).
func existingTerm(err error, key string) (int64, bool) {
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != "term_exists" {
		return 0, false
	}
	var data map[string]json.RawMessage
	if json.Unmarshal(ae.Data, &data) != nil {
		return 0, false
	}
	var id int64
	if json.Unmarshal(data[key], &id) == nil && id > 0 {
		return id, true
	}
	var s string
	if json.Unmarshal(data[key], &s) == nil {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
			return id, true
		}
	}
	return 0, false
}

// ExistingTermID reads the id of the existing term that a "term_exists"
// refusal names under key: "term_id" in WordPress's answer,
// "resource_id" in WooCommerce's.
func ExistingTermID(err error, key string) (int64, bool) { return existingTerm(err, key) }

// Slugify approximates WordPress's sanitize_title for the common case:
// lower case, letters and digits kept, runs of anything else one hyphen.
// It is used to look terms up before creating them; a miss only means
// WordPress's own answer (term_exists) decides.
func Slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r >= 128:
			// WordPress keeps such letters percent-encoded; do not guess.
			return ""
		default:
			dash = true
		}
	}
	return b.String()
}
