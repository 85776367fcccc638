package blueprints

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Options tune Load.
type Options struct {
	// Assets holds the files that asset paths are relative to (usually the
	// blueprint's folder). When nil, asset files are not checked.
	Assets fs.FS
}

// Load parses, migrates and validates a blueprint. On failure the error is
// Problems (every problem, each located by JSON pointer and, when it can be
// found, line and column) and the blueprint is nil.
func Load(data []byte, opts Options) (*Blueprint, error) {
	bp, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if ps := Validate(bp, opts); len(ps) > 0 {
		return nil, locate(data, ps)
	}
	return bp, nil
}

// Parse decodes a blueprint and checks it against the blueprint schema,
// then migrates every block to its newest version. It does not check block
// props or references; Validate does.
func Parse(data []byte) (*Blueprint, error) {
	if len(data) > MaxSize {
		return nil, Problems{{Message: fmt.Sprintf("blueprint is %d bytes; the limit is %d bytes (20 MiB): move large assets to files next to it", len(data), MaxSize)}}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, Problems{syntaxProblem(data, err)}
	}
	// Counting pages before schema validation keeps a huge blueprint from
	// producing millions of problems.
	if m, ok := doc.(map[string]any); ok {
		if pages, ok := m["pages"].([]any); ok && len(pages) > MaxPages {
			return nil, Problems{{Pointer: "/pages", Message: fmt.Sprintf("%d pages; the limit is %d", len(pages), MaxPages)}}
		}
	}
	if err := schemas().blueprint.Validate(doc); err != nil {
		return nil, locate(data, schemaProblems("", err).sort())
	}
	var bp Blueprint
	if err := json.Unmarshal(data, &bp); err != nil {
		// The schema accepted the document, so this is a bug, not bad input.
		return nil, fmt.Errorf("decode blueprint: %w", err)
	}
	if ps := migrate(&bp); len(ps) > 0 {
		return nil, locate(data, ps)
	}
	return &bp, nil
}

// syntaxProblem turns a JSON decoding error into a Problem with line and column.
func syntaxProblem(data []byte, err error) Problem {
	var se *json.SyntaxError
	offset := int64(-1)
	msg := err.Error()
	if errors.As(err, &se) {
		offset = max(se.Offset-1, 0) // Offset is just past the offending byte
		msg = "syntax error: " + se.Error()
	} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		offset = int64(len(data))
		msg = "syntax error: unexpected end of JSON; is a closing brace or bracket missing?"
	}
	p := Problem{Message: msg}
	if offset >= 0 {
		p.Line, p.Column = lineCol(data, offset)
	}
	return p
}

// lineCol returns the 1-based line and column of a byte offset.
func lineCol(data []byte, offset int64) (line, col int) {
	offset = min(offset, int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// locate fills in the line and column of each problem whose pointer it can
// find in data, walking the document's tokens once.
func locate(data []byte, ps Problems) Problems {
	want := map[string]bool{"": true}
	for _, p := range ps {
		for q := p.Pointer; q != ""; q = parentPointer(q) {
			want[q] = true
		}
	}
	found := map[string]int64{}
	dec := json.NewDecoder(bytes.NewReader(data))
	var walk func(pointer string) error
	walk = func(pointer string) error {
		// InputOffset before Token is the end of the previous token; the
		// value starts after whitespace and separators, so skip them.
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if want[pointer] {
			found[pointer] = skipSpace(data, start)
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				keyStart := dec.InputOffset()
				k, err := dec.Token()
				if err != nil {
					return err
				}
				child := ptr(pointer, k)
				if want[child] {
					// Point missing or unknown fields at their key when it exists.
					found[child] = skipSpace(data, keyStart)
				}
				if err := walk(child); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(ptr(pointer, strconv.Itoa(i))); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		return err
	}
	_ = walk("") // best effort: a problem without a position is still reported
	for i, p := range ps {
		off, ok := found[p.Pointer]
		// A missing field has no position: point at the nearest parent.
		for q := p.Pointer; !ok && q != ""; {
			q = parentPointer(q)
			off, ok = found[q]
		}
		if ok && p.Line == 0 {
			ps[i].Line, ps[i].Column = lineCol(data, off)
		}
	}
	return ps
}

func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

func parentPointer(p string) string {
	i := bytes.LastIndexByte([]byte(p), '/')
	if i <= 0 {
		return ""
	}
	return p[:i]
}
