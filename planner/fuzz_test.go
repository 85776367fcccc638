package planner

import (
	"bytes"
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/igny8/igny8"
)

// FuzzParseCSV feeds arbitrary bytes to ParseCSV. It must never panic; a
// refused file is an EInvalid error with a message; every rejected line
// has a line number and a message; and every row it returns holds what a
// Row promises. The seed corpus is in testdata/fuzz/FuzzParseCSV.
func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("keyword,volume\nsourdough starter,1200\n"))
	f.Add([]byte("Keyword;KD;CPC\nlaufschuhe;35;0,45 €\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, rejected, err := ParseCSV(bytes.NewReader(data))
		if err != nil {
			if igny8.ErrorCode(err) != igny8.EInvalid || igny8.ErrorMessage(err) == "" {
				t.Fatalf("error %v is not an invalid-input error with a message", err)
			}
			if rows != nil || rejected != nil {
				t.Fatalf("an error with %d rows and %d rejected lines", len(rows), len(rejected))
			}
			return
		}
		if len(rows) > MaxImportRows {
			t.Fatalf("%d rows, more than MaxImportRows", len(rows))
		}
		for _, e := range rejected {
			if e.Message == "" || e.Line < 1 {
				t.Fatalf("rejected line without a message or line number: %+v", e)
			}
			if !utf8.ValidString(e.Keyword) || !utf8.ValidString(e.Message) {
				t.Fatalf("rejected line with invalid UTF-8: %+v", e)
			}
		}
		for _, r := range rows {
			n := utf8.RuneCountInString(r.Keyword)
			if r.Line < 1 || n == 0 || n > MaxKeywordLength || !utf8.ValidString(r.Keyword) {
				t.Fatalf("row with a bad line or keyword: %+v", r)
			}
			if r.Volume != nil && *r.Volume < 0 {
				t.Fatalf("negative volume: %+v", r)
			}
			if r.Difficulty != nil && (*r.Difficulty < 0 || *r.Difficulty > 100) {
				t.Fatalf("difficulty out of range: %+v", r)
			}
			if r.CPC != nil && !(*r.CPC >= 0) {
				t.Fatalf("bad cpc: %+v", r)
			}
			if r.Intent != "" && !slices.Contains(igny8.Intents, r.Intent) {
				t.Fatalf("unknown intent: %+v", r)
			}
		}
	})
}
