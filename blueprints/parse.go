package blueprints

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Parse decodes a blueprint and checks it against the blueprint schema,
// then migrates every block to its newest version. It stops at the first
// stage that finds problems and does not check block props or references;
// Load reports every problem at once, Validate checks the rest.
func Parse(data []byte) (*Blueprint, error) {
	doc, err := readDoc(data)
	if err != nil {
		return nil, err
	}
	if err := schemas().blueprint.Validate(doc); err != nil {
		ps, _ := schemaProblems("", err, doc)
		return nil, locate(data, ps.sort())
	}
	bp, err := decode(data, doc)
	if err != nil {
		return nil, err
	}
	if f, _ := migrate(bp, nil); len(f.list) > 0 {
		return nil, locate(data, f.list.sort())
	}
	return bp, nil
}

// readDoc decodes JSON for the schema. Its problems end validation: an
// oversized or malformed document, or more pages than a blueprint may have
// (counted first, so a huge blueprint cannot produce millions of problems).
func readDoc(data []byte) (any, error) {
	if len(data) > MaxSize {
		return nil, Problems{{Message: fmt.Sprintf("blueprint is %d bytes; the limit is %d bytes (20 MiB): move large assets to files next to it", len(data), MaxSize)}}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, Problems{syntaxProblem(data, err)}
	}
	if m, ok := doc.(map[string]any); ok {
		if pages, ok := m["pages"].([]any); ok && len(pages) > MaxPages {
			return nil, Problems{{Pointer: "/pages", Message: fmt.Sprintf("%d pages; the limit is %d: split the site", len(pages), MaxPages)}}
		}
	}
	return doc, nil
}

// decode decodes a document the schema accepted into a Blueprint.
func decode(data []byte, doc any) (*Blueprint, error) {
	var bp Blueprint
	if err := json.Unmarshal(data, &bp); err == nil {
		return &bp, nil
	}
	// The schema counts 1.0 and 1e0 as integers; Go's decoder does not.
	// Write such numbers as integers and decode again.
	norm, err := json.Marshal(integralNumbers(doc))
	if err == nil {
		bp = Blueprint{}
		err = json.Unmarshal(norm, &bp)
	}
	if err != nil {
		// The schema accepted the document, so this is a bug, not bad input.
		return nil, fmt.Errorf("decode blueprint: %w", err)
	}
	return &bp, nil
}

// integralNumbers rewrites, in place, every number of doc that is a whole
// number (1.0, 1e2) in plain integer form.
func integralNumbers(doc any) any {
	switch v := doc.(type) {
	case map[string]any:
		for k, e := range v {
			v[k] = integralNumbers(e)
		}
	case []any:
		for i, e := range v {
			v[i] = integralNumbers(e)
		}
	case json.Number:
		if r, ok := new(big.Rat).SetString(string(v)); ok && r.IsInt() && r.Num().IsInt64() {
			return json.Number(r.Num().String())
		}
	}
	return doc
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
