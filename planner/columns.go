package planner

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/igny8/igny8"
)

// column is a field ParseCSV knows.
type column int

const (
	colKeyword column = iota
	colVolume
	colDifficulty
	colIntent
	colCPC
	numColumns
)

var columnNames = [numColumns]string{"keyword", "volume", "difficulty", "intent", "cpc"}

// headerAliases maps header cells, as headerKey reduces them, to columns:
// the names keyword tools export (Google Keyword Planner, Semrush, Ahrefs,
// Moz, spreadsheets people make) in English, German, French and Spanish.
var headerAliases = map[string]column{
	"keyword": colKeyword, "keywords": colKeyword, "keyword phrase": colKeyword, "key phrase": colKeyword,
	"keyphrase": colKeyword, "phrase": colKeyword, "query": colKeyword, "search query": colKeyword,
	"search term": colKeyword, "search terms": colKeyword, "term": colKeyword, "focus keyword": colKeyword,
	"suchbegriff": colKeyword, "schlüsselwort": colKeyword, "mot clé": colKeyword, "mot clef": colKeyword,
	"palabra clave": colKeyword,

	"volume": colVolume, "search volume": colVolume, "avg monthly searches": colVolume,
	"average monthly searches": colVolume, "monthly searches": colVolume, "monthly search volume": colVolume,
	"monthly volume": colVolume, "searches": colVolume, "sv": colVolume, "msv": colVolume,
	"global volume": colVolume, "suchvolumen": colVolume, "volume de recherche": colVolume,
	"volumen": colVolume, "volumen de búsqueda": colVolume,

	"kd": colDifficulty, "keyword difficulty": colDifficulty, "difficulty": colDifficulty,
	"seo difficulty": colDifficulty, "keyword difficulty index": colDifficulty,

	"intent": colIntent, "intents": colIntent, "search intent": colIntent, "keyword intent": colIntent,
	"user intent": colIntent,

	"cpc": colCPC, "avg cpc": colCPC, "average cpc": colCPC, "cost per click": colCPC,
	"top of page bid": colCPC,
}

// headerKey reduces a header cell to the form headerAliases uses: lower
// case, parenthesised parts dropped ("CPC (USD)"), punctuation as spaces
// ("Avg. monthly searches", "KD %"), and a currency code after cpc
// dropped ("CPC USD").
func headerKey(s string) string {
	s = strings.ToLower(norm.NFC.String(s))
	for {
		i := strings.IndexByte(s, '(')
		j := strings.IndexByte(s, ')')
		if i < 0 || j < i {
			break
		}
		s = s[:i] + " " + s[j+1:]
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 2 && words[0] == "cpc" && len(words[1]) == 3 {
		words = words[:1]
	}
	return strings.Join(words, " ")
}

// columns maps each column to its field index, -1 when the file has none.
type columns struct {
	index  [numColumns]int
	header []string // the header's keys, nil for a headerless file
	// decimalComma is set for semicolon- and tab-separated files, whose
	// numbers may use a decimal comma.
	decimalComma bool
}

// maxPreamble is how many title lines (one cell each) may come before a
// header, as in Google Keyword Planner's exports.
const maxPreamble = 3

// findColumns works out the columns from the first records and returns
// the records below the header (all of them for a headerless file).
func findColumns(records []record, delimiter rune) (*columns, []record, error) {
	if len(records) == 0 {
		return nil, nil, igny8.Errorf(igny8.EInvalid, "The file has no keywords: it needs one keyword per line.")
	}
	cols := &columns{decimalComma: delimiter != ','}
	for i := 0; i <= maxPreamble && i < len(records); i++ {
		if i > 0 && nonEmpty(records[i-1].fields) > 1 {
			break
		}
		index, keys, known := headerOf(records[i].fields)
		if known == 0 || (i > 0 && (known < 2 || index[colKeyword] < 0)) {
			continue
		}
		if index[colKeyword] < 0 {
			return nil, nil, igny8.Errorf(igny8.EInvalid,
				"The header row (line %d) names no keyword column; name the column of keywords \"keyword\".", records[i].line)
		}
		cols.index, cols.header = index, keys
		return cols, records[i+1:], nil
	}
	for c := range cols.index {
		cols.index[c] = c
	}
	return cols, records, nil
}

func nonEmpty(fields []string) int {
	n := 0
	for _, f := range fields {
		if strings.TrimFunc(f, isSpace) != "" {
			n++
		}
	}
	return n
}

// headerOf maps the cells of a would-be header row to columns (the first
// cell of a kind wins) and counts the known ones.
func headerOf(fields []string) (index [numColumns]int, keys []string, known int) {
	for c := range index {
		index[c] = -1
	}
	for i, f := range fields {
		k := headerKey(f)
		keys = append(keys, k)
		if c, ok := headerAliases[k]; ok && index[c] < 0 {
			index[c] = i
			known++
		}
	}
	return index, keys, known
}

// isHeaderAgain reports whether a record repeats the header, as files
// concatenated from several exports do.
func (cols *columns) isHeaderAgain(fields []string) bool {
	if cols.header == nil || len(fields) != len(cols.header) {
		return false
	}
	for i, f := range fields {
		if headerKey(f) != cols.header[i] {
			return false
		}
	}
	return true
}

// parse turns a record into a Row, or says why it cannot.
func (cols *columns) parse(rec record) (Row, *igny8.KeywordError) {
	var raw [numColumns]string
	for c, i := range cols.index {
		if i >= 0 && i < len(rec.fields) {
			raw[c] = strings.TrimFunc(rec.fields[i], isSpace)
		}
	}
	row := Row{Line: rec.line}
	fail := func(c column, format string, args ...any) (Row, *igny8.KeywordError) {
		return Row{}, &igny8.KeywordError{Line: rec.line, Keyword: clip(raw[colKeyword], 100), Field: columnNames[c],
			Message: fmt.Sprintf("line %d: ", rec.line) + fmt.Sprintf(format, args...)}
	}
	for c := range numColumns {
		if !utf8.ValidString(raw[c]) {
			return fail(c, "the %s is not valid UTF-8 text; save the file as CSV UTF-8", columnNames[c])
		}
	}
	kw, problem := cleanKeyword(raw[colKeyword])
	if problem != "" {
		return fail(colKeyword, "%s", problem)
	}
	row.Keyword = kw
	if s := raw[colVolume]; !missing(s) {
		v, problem := parseVolume(s)
		if problem != "" {
			return fail(colVolume, "volume %q %s", clip(s, 40), problem)
		}
		row.Volume = &v
	}
	if s := raw[colDifficulty]; !missing(s) {
		v, problem := parseDifficulty(s)
		if problem != "" {
			return fail(colDifficulty, "difficulty %q %s", clip(s, 40), problem)
		}
		row.Difficulty = &v
	}
	if s := raw[colIntent]; !missing(s) {
		v, ok := parseIntent(s)
		if !ok {
			return fail(colIntent, "intent %q is not one of informational, commercial, transactional or navigational", clip(s, 40))
		}
		row.Intent = v
	}
	if s := raw[colCPC]; !missing(s) {
		v, problem := parseCPC(s, cols.decimalComma)
		if problem != "" {
			return fail(colCPC, "cpc %q %s", clip(s, 40), problem)
		}
		row.CPC = &v
	}
	return row, nil
}

// cleanKeyword returns the keyword as a Row holds it, or what is wrong
// with it.
func cleanKeyword(s string) (string, string) {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u200b', '\u2060', '\ufeff', '\u00ad': // invisible: zero-width spaces, BOM, soft hyphen
			return -1
		}
		return r
	}, s)
	if strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }) {
		return "", "the keyword contains a control character"
	}
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "", "the keyword is empty"
	}
	if n := utf8.RuneCountInString(s); n > MaxKeywordLength {
		return "", fmt.Sprintf("the keyword is %d characters long; at most %d are allowed", n, MaxKeywordLength)
	}
	return s, ""
}

// missing reports whether a cell says there is no value: empty, or one
// of the placeholders keyword tools write.
func missing(s string) bool {
	switch strings.ToLower(s) {
	case "", "-", "–", "—", "n/a", "na", "null", "none", "?":
		return true
	}
	return false
}

// clip shortens s to at most n characters for a message, keeping it valid
// UTF-8.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\ufffd")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
