package writer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints"
)

// Options are what Validate checks a page against besides the site's
// blueprint.
type Options struct {
	// Files holds the site's asset files, which asset paths are relative
	// to; nil: asset files are not checked.
	Files fs.FS
	// Assets are blueprint asset entries the page brings with it, by id
	// (AttachImages returns them), added to the blueprint's own.
	Assets map[string]json.RawMessage
}

// PageError is a page the site's blueprint would not accept. Its chain
// holds an *igny8.Error with code EInvalid whose message lists every
// problem, so igny8.ErrorCode and igny8.ErrorMessage work on it.
type PageError struct {
	// Problems are the page's problems, each with its JSON pointer
	// relative to the page ("/blocks/2/props/markdown"); a problem
	// elsewhere in the blueprint that the page causes keeps its pointer in
	// the blueprint, prefixed with "blueprint:".
	Problems blueprints.Problems
}

// Error implements error.
func (e *PageError) Error() string { return e.Unwrap().Error() }

// Unwrap returns the user-facing *igny8.Error.
func (e *PageError) Unwrap() error {
	return igny8.Errorf(igny8.EInvalid, "The page does not validate in the site's blueprint: %s.", listProblems(e.Problems))
}

// listProblems writes problems as "/pointer: message; …".
func listProblems(ps blueprints.Problems) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		p.Line, p.Column = 0, 0
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

// Validate checks page as the site build will: it puts the page into a
// copy of the site's blueprint (replacing the page with its id, else as a
// new last page), with opts.Assets added, and loads that with the
// blueprint validator, so its page: links and asset: references resolve
// against the site. It returns a *PageError listing the problems that
// concern the page, or an error of another kind when the blueprint
// cannot be read at all.
func Validate(blueprint []byte, page *blueprints.Page, opts Options) error {
	ps, err := pageProblems(blueprint, page, opts)
	if err != nil {
		return err
	}
	if len(ps) > 0 {
		return &PageError{Problems: ps}
	}
	return nil
}

// pageProblems returns the problems Validate reports.
func pageProblems(blueprint []byte, page *blueprints.Page, opts Options) (blueprints.Problems, error) {
	data, at, err := insert(blueprint, page, opts.Assets)
	if err != nil {
		return nil, err
	}
	with := load(data, opts.Files)
	if len(with) == 0 {
		return nil, nil
	}
	prefix := "/pages/" + strconv.Itoa(at)
	var mine, other blueprints.Problems
	for _, p := range with {
		switch {
		case p.Pointer == prefix || strings.HasPrefix(p.Pointer, prefix+"/"):
			p.Pointer = strings.TrimPrefix(p.Pointer, prefix)
			mine = append(mine, p)
		case p.Pointer == "":
			// A syntax or size problem of the whole document.
			return nil, fmt.Errorf("site blueprint with the page: %s", p.Message)
		default:
			other = append(other, p)
		}
	}
	if len(other) > 0 {
		// Problems elsewhere are the page's only if the blueprint did not
		// have them before (a path another page's collection needs, an
		// asset the page brought whose file is missing).
		before := map[string]bool{}
		for _, p := range load(blueprint, opts.Files) {
			before[p.Pointer+"\x00"+p.Message] = true
		}
		for _, p := range other {
			if !before[p.Pointer+"\x00"+p.Message] {
				p.Pointer = "blueprint:" + p.Pointer
				mine = append(mine, p)
			}
		}
	}
	for i := range mine {
		mine[i].Line, mine[i].Column = 0, 0
	}
	return mine, nil
}

// load returns the problems Load finds in data.
func load(data []byte, files fs.FS) blueprints.Problems {
	_, err := blueprints.Load(data, blueprints.Options{Assets: files})
	var ps blueprints.Problems
	if errors.As(err, &ps) {
		return ps
	}
	if err != nil {
		return blueprints.Problems{{Message: err.Error()}}
	}
	return nil
}

// InsertPage returns the blueprint with page in it, in place of the page
// with its id or else as the last page, and with assets added to its
// assets (an id it has already is replaced). Everything else is kept as
// it was, in its order; the result is indented when the blueprint was.
// It does not validate; Validate does.
func InsertPage(blueprint []byte, page *blueprints.Page, assets map[string]json.RawMessage) ([]byte, error) {
	data, _, err := insert(blueprint, page, assets)
	return data, err
}

// insert is InsertPage, also returning the page's index.
func insert(blueprint []byte, page *blueprints.Page, assets map[string]json.RawMessage) ([]byte, int, error) {
	doc, err := readObject(blueprint)
	if err != nil {
		return nil, 0, fmt.Errorf("read the site's blueprint: %w", err)
	}
	pj, err := marshal(page)
	if err != nil {
		return nil, 0, fmt.Errorf("encode page %q: %w", page.ID, err)
	}
	var pages []json.RawMessage
	if raw := doc.get("pages"); raw != nil {
		if err := json.Unmarshal(raw, &pages); err != nil {
			return nil, 0, fmt.Errorf("read the site's blueprint: pages: %w", err)
		}
	}
	at := len(pages)
	for i, raw := range pages {
		var p struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(raw, &p) == nil && p.ID == page.ID {
			at = i
			break
		}
	}
	if at == len(pages) {
		pages = append(pages, pj)
	} else {
		pages[at] = pj
	}
	if err := doc.set("pages", pages); err != nil {
		return nil, 0, err
	}
	if len(assets) > 0 {
		all := map[string]json.RawMessage{}
		if raw := doc.get("assets"); raw != nil && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
			if err := json.Unmarshal(raw, &all); err != nil {
				return nil, 0, fmt.Errorf("read the site's blueprint: assets: %w", err)
			}
		}
		for id, a := range assets {
			all[id] = a
		}
		if err := doc.set("assets", all); err != nil {
			return nil, 0, err
		}
	}
	out, err := doc.encode(bytes.HasPrefix(bytes.TrimSpace(blueprint), []byte("{\n")))
	if err != nil {
		return nil, 0, err
	}
	return out, at, nil
}

// object is a JSON object whose members keep their order.
type object struct {
	keys   []string
	values map[string]json.RawMessage
}

func readObject(data []byte) (*object, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil {
		return nil, err
	} else if tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	o := &object{values: map[string]json.RawMessage{}}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if _, dup := o.values[k]; !dup {
			o.keys = append(o.keys, k)
		}
		o.values[k] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	return o, nil
}

func (o *object) get(k string) json.RawMessage { return o.values[k] }

func (o *object) set(k string, v any) error {
	raw, err := marshal(v)
	if err != nil {
		return err
	}
	if _, ok := o.values[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.values[k] = raw
	return nil
}

func (o *object) encode(indent bool) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kj, _ := json.Marshal(k)
		b.Write(kj)
		b.WriteByte(':')
		b.Write(o.values[k])
	}
	b.WriteByte('}')
	var out bytes.Buffer
	var err error
	if indent {
		err = json.Indent(&out, b.Bytes(), "", "  ")
	} else {
		err = json.Compact(&out, b.Bytes())
	}
	if err != nil {
		return nil, err
	}
	if indent {
		out.WriteByte('\n')
	}
	return out.Bytes(), nil
}

// marshal encodes v as JSON without escaping <, > and &, which
// Markdown is full of.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
