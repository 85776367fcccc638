package writer_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/writer"
)

// post is a valid post for the blog example.
func post(id, markdown string) *blueprints.Page {
	return &blueprints.Page{
		ID: id, Path: "/journal/" + id + "/", Type: "post", Title: "A post", Date: "2026-05-01",
		Blocks: []*blueprints.Block{{ID: "s1", Type: "richtext", V: 1, Props: map[string]any{"markdown": markdown}}},
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	data, files := example(t, "blog")
	alt := "A train"
	tests := []struct {
		name    string
		page    *blueprints.Page
		opts    writer.Options
		pointer string // "" for a valid page
		message string
	}{
		{"valid, linking to the site's pages", post("new", "See [the night train](page:night-train-vienna)."), writer.Options{Files: files}, "", ""},
		{"link to a page the site lacks", post("new", "See [this](page:does-not-exist)."), writer.Options{Files: files},
			"/blocks/0/props/markdown", `page "does-not-exist" does not exist`},
		{"javascript link", post("new", "[Win](javascript:alert(1))"), writer.Options{Files: files},
			"/blocks/0/props/markdown", "which is not allowed"},
		{"schema problem", func() *blueprints.Page { p := post("new", "Hi"); p.Title = ""; return p }(), writer.Options{},
			"/title", ""},
		{"post without date", func() *blueprints.Page { p := post("new", "Hi"); p.Date = ""; return p }(), writer.Options{},
			"/date", "required for posts"},
		{"a path the site has", func() *blueprints.Page { p := post("new", "Hi"); p.Path = "/journal/night-train-vienna/"; return p }(), writer.Options{},
			"/path", "duplicate path"},
		{"an image the site lacks", func() *blueprints.Page {
			p := post("new", "Hi")
			p.Image = &blueprints.Image{Asset: "ai-new-0", Alt: &alt}
			return p
		}(), writer.Options{}, "/image", `asset "ai-new-0" does not exist`},
		{"an image the page brings", func() *blueprints.Page {
			p := post("new", "Hi")
			p.Image = &blueprints.Image{Asset: "ai-new-0", Alt: &alt}
			return p
		}(), writer.Options{Assets: map[string]json.RawMessage{"ai-new-0": json.RawMessage(`{"path":"ai/new/0-abc.png","alt":"A train"}`)}}, "", ""},
		{"an image the page brings without its file", func() *blueprints.Page {
			p := post("new", "Hi")
			p.Image = &blueprints.Image{Asset: "ai-new-0", Alt: &alt}
			return p
		}(), writer.Options{Files: files, Assets: map[string]json.RawMessage{"ai-new-0": json.RawMessage(`{"path":"ai/new/0-abc.png"}`)}},
			"blueprint:/assets/ai-new-0/path", "not found"},
		{"replacing the page with its id", func() *blueprints.Page {
			p := post("night-train-vienna", "Rewritten.")
			p.Path = "/journal/night-train-vienna/"
			return p
		}(), writer.Options{Files: files}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := writer.Validate(data, tt.page, tt.opts)
			if tt.pointer == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if got, want := igny8.ErrorCode(err), igny8.EInvalid; got != want {
				t.Fatalf("error code = %q (%v), want %q", got, err, want)
			}
			ps := problems(t, err)
			if !hasProblem(ps, tt.pointer, tt.message) {
				t.Errorf("problems = %v, want one at %s saying %q", ps, tt.pointer, tt.message)
			}
			// The message lists the problems by their pointer in the page.
			if msg := igny8.ErrorMessage(err); !strings.Contains(msg, tt.pointer+": ") {
				t.Errorf("message %q does not name %s", msg, tt.pointer)
			}
		})
	}
}

func TestValidateBrokenBlueprint(t *testing.T) {
	t.Parallel()
	err := writer.Validate([]byte(`{"version": 1, "pages": [`), post("new", "Hi"), writer.Options{})
	var pe *writer.PageError
	if err == nil || errors.As(err, &pe) {
		t.Errorf("Validate of an unreadable blueprint = %v, want an error that blames the blueprint, not the page", err)
	}
}

func TestInsertPage(t *testing.T) {
	t.Parallel()
	data, _ := example(t, "blog")
	p := post("new", "Hi")
	out, err := writer.InsertPage(data, p, map[string]json.RawMessage{"ai-new-0": json.RawMessage(`{"path":"ai/new/0.png","alt":""}`)})
	if err != nil {
		t.Fatal(err)
	}
	bp, err := blueprints.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := blueprints.Parse(data)
	if got, want := len(bp.Pages), len(orig.Pages)+1; got != want {
		t.Errorf("%d pages, want %d", got, want)
	}
	if got := bp.Pages[len(bp.Pages)-1].ID; got != "new" {
		t.Errorf("last page is %q, want the new one", got)
	}
	if bp.Assets["ai-new-0"] == nil || bp.Assets["logo"] == nil {
		t.Errorf("assets are %v, want the site's and the new one", bp.Assets)
	}
	// The document keeps its member order and its indentation.
	if !bytes.HasPrefix(out, []byte("{\n  \"$schema\"")) {
		t.Errorf("the blueprint starts %q, want its $schema first, indented", out[:min(len(out), 40)])
	}
	again, err := writer.InsertPage(out, p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, out) {
		t.Error("inserting the same page again changed the blueprint")
	}
}
