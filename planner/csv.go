package planner

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/igny8/igny8"
)

// Import limits.
const (
	// MaxImportRows is the most keyword rows one file may have; a bigger
	// file is refused whole, so that an import is one bounded job.
	MaxImportRows = 50_000
	// MaxKeywordLength is the longest keyword accepted, in characters.
	MaxKeywordLength = 200
	// maxImportBytes bounds what ParseCSV reads: 50,000 rows of 200
	// characters with their numbers fit with room to spare.
	maxImportBytes = 64 << 20
)

// Row is one keyword line of an imported file. Rows are not
// de-duplicated: Normalize(Row.Keyword) is the key to do that with.
type Row struct {
	Line       int    // 1-based line of the file the row starts on
	Keyword    string // NFC, trimmed, inner whitespace collapsed; case kept
	Volume     *int64
	Difficulty *int     // 0–100
	Intent     string   // "" or one of igny8.Intents
	CPC        *float64 // in the file's currency
}

// Normalize is the de-duplication key of a keyword: Unicode NFC, then
// igny8.NormalizeKeyword (lower case, whitespace collapsed).
func Normalize(s string) string {
	return igny8.NormalizeKeyword(norm.NFC.String(s))
}

// ParseCSV reads a keyword file: CSV, semicolon- or tab-separated (the
// delimiter is sniffed), UTF-8 with or without a byte order mark (UTF-16
// with a BOM, as Google Keyword Planner exports, is decoded too). The first
// row is a header when it names known columns (keyword, volume,
// difficulty, intent, cpc and their usual aliases, in any order; other
// columns are ignored); a file without one is read as
// keyword[,volume[,difficulty[,intent[,cpc]]]]. Empty lines are skipped.
//
// A line that cannot be imported is returned in rejected, with a message a
// site owner can act on, and the rest of the file is still read. A file
// that cannot be read as keywords at all (binary, empty, more than
// MaxImportRows rows) is an *igny8.Error with code EInvalid; any other
// error is the reader's.
func ParseCSV(r io.Reader) (rows []Row, rejected []igny8.KeywordError, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxImportBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read keyword file: %w", err)
	}
	if len(data) > maxImportBytes {
		return nil, nil, igny8.Errorf(igny8.EInvalid, "The file is larger than %d MB; split it into smaller files of at most %d rows.", maxImportBytes>>20, MaxImportRows)
	}
	if data, err = decodeText(data); err != nil {
		return nil, nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, igny8.Errorf(igny8.EInvalid, "The file is empty: it needs one keyword per line.")
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(data)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true

	var records []record
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			rejected = append(rejected, igny8.KeywordError{Line: pe.StartLine,
				Message: fmt.Sprintf("line %d: the line cannot be read as CSV (%v)", pe.StartLine, pe.Err)})
			continue
		} else if err != nil {
			return nil, nil, fmt.Errorf("read keyword file: %w", err)
		}
		if blank(fields) {
			continue
		}
		records = append(records, record{line: line, fields: fields})
		if len(records) > MaxImportRows+maxPreamble+1 {
			break
		}
	}
	cols, records, err := findColumns(records, cr.Comma)
	if err != nil {
		return nil, nil, err
	}
	if len(records) > MaxImportRows {
		return nil, nil, igny8.Errorf(igny8.EInvalid, "The file has more than %d keyword rows; split it into files of at most %d rows.", MaxImportRows, MaxImportRows)
	}
	if len(records) == 0 && len(rejected) == 0 {
		return nil, nil, igny8.Errorf(igny8.EInvalid, "The file has a header but no keywords below it.")
	}
	for _, rec := range records {
		if cols.isHeaderAgain(rec.fields) {
			continue
		}
		row, problem := cols.parse(rec)
		if problem != nil {
			rejected = append(rejected, *problem)
			continue
		}
		rows = append(rows, row)
	}
	slices.SortStableFunc(rejected, func(a, b igny8.KeywordError) int { return cmp.Compare(a.Line, b.Line) })
	return rows, rejected, nil
}

// record is one non-blank CSV record and the line it starts on.
type record struct {
	line   int
	fields []string
}

func blank(fields []string) bool {
	for _, f := range fields {
		if strings.TrimFunc(f, isSpace) != "" {
			return false
		}
	}
	return true
}

// isSpace is unicode.IsSpace plus the zero-width characters spreadsheets
// leave around values.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u2060'
}

// decodeText strips a UTF-8 byte order mark, decodes UTF-16 with a byte
// order mark, and refuses files that are not text.
func decodeText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}), bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		dec := xunicode.BOMOverride(xunicode.UTF8.NewDecoder())
		out, _, err := transform.Bytes(dec, data)
		if err != nil {
			return nil, igny8.Errorf(igny8.EInvalid, "The file starts like UTF-16 text but cannot be decoded; save it as CSV UTF-8.")
		}
		data = out
	}
	for _, m := range magics {
		if bytes.HasPrefix(data, []byte(m.prefix)) {
			return nil, igny8.Errorf(igny8.EInvalid, "The file is %s, not a CSV file; %s.", m.what, m.fix)
		}
	}
	if !looksLikeText(data) {
		return nil, igny8.Errorf(igny8.EInvalid, "The file is not a CSV file (it holds binary data); export the keywords as CSV UTF-8.")
	}
	return data, nil
}

var magics = []struct{ prefix, what, fix string }{
	{"PK\x03\x04", "a ZIP archive (an Excel workbook?)", "in Excel use File › Save As › CSV UTF-8"},
	{"\xd0\xcf\x11\xe0", "an old Excel or Office file", "in Excel use File › Save As › CSV UTF-8"},
	{"%PDF", "a PDF document", "export the keywords as CSV instead"},
	{"\x89PNG", "a PNG image", "export the keywords as CSV instead"},
	{"\xff\xd8\xff", "a JPEG image", "export the keywords as CSV instead"},
	{"GIF8", "a GIF image", "export the keywords as CSV instead"},
}

// looksLikeText reports whether the start of data is text: no NUL byte,
// and few control characters or invalid bytes (a Latin-1 file has a few
// of the latter; its lines are refused one by one).
func looksLikeText(data []byte) bool {
	sample := data[:min(len(data), 8<<10)]
	if bytes.IndexByte(sample, 0) >= 0 {
		return false
	}
	bad, total := 0, 0
	for len(sample) > 0 {
		r, size := utf8.DecodeRune(sample)
		sample = sample[size:]
		total++
		if (r == utf8.RuneError && size == 1) || (unicode.IsControl(r) && !unicode.IsSpace(r)) {
			bad++
		}
	}
	return bad*10 <= total
}

// sniffDelimiter picks the delimiter that splits the first lines most
// consistently: the one whose most frequent non-zero count per line is
// shared by most lines (at least half: title lines before a header have
// none), preferring tab, then semicolon, then comma on a tie (a semicolon
// file often has decimal commas, a comma file rarely has semicolons). A
// file of one column gets the candidate that occurs least in it.
func sniffDelimiter(data []byte) rune {
	candidates := []rune{'\t', ';', ','}
	counts := make([][]int, len(candidates))
	line := make([]int, len(candidates))
	inQuote, lines, empty := false, 0, true
	for i := 0; i < len(data) && lines < 50; i++ {
		c := data[i]
		switch {
		case c == '"':
			inQuote = !inQuote
			empty = false
		case c == '\n' && !inQuote:
			if !empty {
				for k := range candidates {
					counts[k] = append(counts[k], line[k])
				}
				lines++
			}
			clear(line)
			empty = true
		case !inQuote:
			for k, d := range candidates {
				if rune(c) == d {
					line[k]++
				}
			}
			if c != '\r' && c != ' ' {
				empty = false
			}
		}
	}
	if !empty {
		for k := range candidates {
			counts[k] = append(counts[k], line[k])
		}
	}
	best, bestScore := -1, 0.5
	fewest, fewestTotal := 0, -1
	for k := range candidates {
		mode, same, total := positiveMode(counts[k])
		if fewestTotal < 0 || total < fewestTotal {
			fewest, fewestTotal = k, total
		}
		if mode == 0 {
			continue
		}
		if score := float64(same) / float64(len(counts[k])); score >= bestScore && (best < 0 || score > bestScore) {
			best, bestScore = k, score
		}
	}
	if best < 0 {
		return candidates[fewest]
	}
	return candidates[best]
}

// positiveMode returns the most frequent non-zero value of counts (the
// smallest on a tie), how often it occurs, and the sum of counts.
func positiveMode(counts []int) (mode, freq, total int) {
	seen := map[int]int{}
	for _, n := range counts {
		total += n
		if n > 0 {
			seen[n]++
		}
	}
	for n, f := range seen {
		if f > freq || (f == freq && n < mode) {
			mode, freq = n, f
		}
	}
	return mode, freq, total
}
