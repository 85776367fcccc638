package planner

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/igny8/igny8"
)

func i64(v int64) *int64     { return &v }
func intp(v int) *int        { return &v }
func f64(v float64) *float64 { return &v }
func utf16le(s string) []byte { // with a BOM, as Keyword Planner writes
	out := []byte{0xff, 0xfe}
	for _, r := range s {
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}

func TestParseCSV(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in       string
		rows     []Row
		rejected []igny8.KeywordError
	}{
		{
			name: "headerless, one column",
			in:   "sourdough starter\n\nbest running shoes\n",
			rows: []Row{{Line: 1, Keyword: "sourdough starter"}, {Line: 3, Keyword: "best running shoes"}},
		},
		{
			name: "headerless, all columns in the default order",
			in:   "sourdough starter,1200,35,info,0.45\n",
			rows: []Row{{Line: 1, Keyword: "sourdough starter", Volume: i64(1200), Difficulty: intp(35), Intent: igny8.IntentInformational, CPC: f64(0.45)}},
		},
		{
			name: "header with aliases in another order, unknown columns ignored, BOM",
			in:   "\ufeffCPC (USD),Trend,Keyword Difficulty,Avg. monthly searches,Keyword phrase,Search Intent\n\"$1.20\",up,40,\"1,200\",  Running  shoes ,Commercial Investigation\n",
			rows: []Row{{Line: 2, Keyword: "Running shoes", Volume: i64(1200), Difficulty: intp(40), Intent: igny8.IntentCommercial, CPC: f64(1.2)}},
		},
		{
			name: "semicolon-separated with decimal commas and dot grouping",
			in:   "Keyword;Volume;KD;CPC\nlaufschuhe damen;1.200;35 %;0,45 €\nlaufschuhe herren;12.300.000;7;1.234,50 EUR\n",
			rows: []Row{
				{Line: 2, Keyword: "laufschuhe damen", Volume: i64(1200), Difficulty: intp(35), CPC: f64(0.45)},
				{Line: 3, Keyword: "laufschuhe herren", Volume: i64(12300000), Difficulty: intp(7), CPC: f64(1234.5)},
			},
		},
		{
			name: "tab-separated, abbreviated volume, intent list",
			in:   "keyword\tsearch volume\tintents\nvegan lasagna\t1.5K\tInformational, Transactional\n",
			rows: []Row{{Line: 2, Keyword: "vegan lasagna", Volume: i64(1500), Intent: igny8.IntentInformational}},
		},
		{
			name: "placeholders are no value, a repeated header is skipped, CRLF",
			in:   "keyword,volume,kd\r\ncold brew,-,n/a\r\nkeyword,volume,kd\r\nmoka pot,300,\r\n",
			rows: []Row{{Line: 2, Keyword: "cold brew"}, {Line: 4, Keyword: "moka pot", Volume: i64(300)}},
		},
		{
			name: "quoted keyword with the delimiter and a line break",
			in:   "keyword,volume\n\"shoes, red\",10\n\"two\nlines\",20\n",
			rows: []Row{{Line: 2, Keyword: "shoes, red", Volume: i64(10)}, {Line: 3, Keyword: "two lines", Volume: i64(20)}},
		},
		{
			name: "Keyword Planner preamble before the header",
			in:   "Keyword Stats 2026-11-01 at 10_00_00\nAll locations\nKeyword\tCurrency\tAvg. monthly searches\tTop of page bid (low range)\ncoffee grinder\tUSD\t4400\t0.61\n",
			rows: []Row{{Line: 4, Keyword: "coffee grinder", Volume: i64(4400), CPC: f64(0.61)}},
		},
		{
			name: "per-line problems",
			in: "keyword,volume,difficulty,intent,cpc\n" +
				"ok,1,2,info,3\n" +
				"bad volume,abc,,,\n" +
				"range,1K – 10K,,,\n" +
				"fraction,1.5,,,\n" +
				"negative,-3,,,\n" +
				"hard,,140,,\n" +
				"odd intent,,,whatever,\n" +
				"pricey,,,,lots\n" +
				",5,,,\n" +
				strings.Repeat("x", 201) + ",,,,\n" +
				"bad \xff byte,,,,\n" +
				"ctrl\x01char,,,,\n",
			rows: []Row{{Line: 2, Keyword: "ok", Volume: i64(1), Difficulty: intp(2), Intent: igny8.IntentInformational, CPC: f64(3)}},
			rejected: []igny8.KeywordError{
				{Line: 3, Keyword: "bad volume", Field: "volume", Message: `line 3: volume "abc" is not a number`},
				{Line: 4, Keyword: "range", Field: "volume", Message: `line 4: volume "1K – 10K" is a range; give one number`},
				{Line: 5, Keyword: "fraction", Field: "volume", Message: `line 5: volume "1.5" is not a whole number`},
				{Line: 6, Keyword: "negative", Field: "volume", Message: `line 6: volume "-3" cannot be negative`},
				{Line: 7, Keyword: "hard", Field: "difficulty", Message: `line 7: difficulty "140" is not between 0 and 100`},
				{Line: 8, Keyword: "odd intent", Field: "intent", Message: `line 8: intent "whatever" is not one of informational, commercial, transactional or navigational`},
				{Line: 9, Keyword: "pricey", Field: "cpc", Message: `line 9: cpc "lots" is not a number`},
				{Line: 10, Field: "keyword", Message: `line 10: the keyword is empty`},
				{Line: 11, Keyword: strings.Repeat("x", 100) + "…", Field: "keyword", Message: `line 11: the keyword is 201 characters long; at most 200 are allowed`},
				{Line: 12, Keyword: "bad \ufffd byte", Field: "keyword", Message: `line 12: the keyword is not valid UTF-8 text; save the file as CSV UTF-8`},
				{Line: 13, Keyword: "ctrl\x01char", Field: "keyword", Message: `line 13: the keyword contains a control character`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, rejected, err := ParseCSV(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.rows, rows); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.rejected, rejected); diff != "" {
				t.Errorf("rejected (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseCSVUTF16(t *testing.T) {
	t.Parallel()
	rows, rejected, err := ParseCSV(bytes.NewReader(utf16le("Keyword\tAvg. monthly searches\r\ncafé crème\t90\r\n")))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]Row{{Line: 2, Keyword: "café crème", Volume: i64(90)}}, rows); diff != "" || len(rejected) > 0 {
		t.Errorf("rows (-want +got):\n%s\nrejected: %v", diff, rejected)
	}
}

// A file that is no keyword list at all is an EInvalid error whose
// message says what is wrong.
func TestParseCSVRefusesFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "The file is empty"},
		{"blank lines", "\n \r\n\t\n", "The file is empty"},
		{"blank cells", ",,\n,,\n", "The file has no keywords"},
		{"header only", "keyword,volume\n", "no keywords below it"},
		{"header without keyword column", "volume,cpc\n10,1\n", "names no keyword column"},
		{"xlsx", "PK\x03\x04\x14\x00\x06\x00", "ZIP archive"},
		{"binary", "\x00\x01\x02\x03garbage", "binary data"},
		{"control characters", strings.Repeat("\x01\x02ab", 100), "binary data"},
		{"too many rows", "keyword\n" + strings.Repeat("k\n", MaxImportRows+1), "more than 50000 keyword rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := ParseCSV(strings.NewReader(tt.in))
			if got := igny8.ErrorCode(err); got != igny8.EInvalid {
				t.Fatalf("error code %q (%v), want invalid", got, err)
			}
			if msg := igny8.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not say %q", msg, tt.want)
			}
		})
	}
}

func TestParseCSVLimit(t *testing.T) {
	t.Parallel()
	rows, rejected, err := ParseCSV(strings.NewReader("keyword\n" + strings.Repeat("k\n", MaxImportRows)))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rows), MaxImportRows; got != want || len(rejected) != 0 {
		t.Errorf("%d rows, %d rejected; want %d rows", got, len(rejected), want)
	}
}

func TestParseCSVReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("disk on fire")
	_, _, err := ParseCSV(iotest.ErrReader(boom))
	if !errors.Is(err, boom) {
		t.Errorf("error %v does not wrap the reader's", err)
	}
}

func TestSniffDelimiter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want rune
	}{
		{"a,1\nb,2\n", ','},
		{"a;1,5\nb;2,5\n", ';'},
		{"a\t1,5\nb\t2;5\n", '\t'},
		{"\"x;y\",1\n\"z;w\",2\n", ','},
		{"one keyword, with a comma\nanother\nthird\n", '\t'},
		{"keyword;volume\n\"a, b\";1\n", ';'},
	}
	for _, tt := range tests {
		if got := sniffDelimiter([]byte(tt.in)); got != tt.want {
			t.Errorf("sniffDelimiter(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseNumbers(t *testing.T) {
	t.Parallel()
	volumes := []struct {
		in      string
		want    int64
		problem string
	}{
		{"1200", 1200, ""}, {"1,200", 1200, ""}, {"1.200", 1200, ""}, {"1 200", 1200, ""}, {"1\u00a0200", 1200, ""},
		{"1'200", 1200, ""}, {"1200.0", 1200, ""}, {"2.5k", 2500, ""}, {"1,5M", 1500000, ""}, {"0", 0, ""},
		{"1.5", 0, "is not a whole number"}, {"12,34", 0, "is not a whole number"}, {"abc", 0, "is not a number"},
		{"10-100", 0, "is a range; give one number"}, {"-1", 0, "cannot be negative"},
		{"99999999999999999999", 0, "is too large"}, {"1,20,0", 0, "is not a number"},
	}
	for _, tt := range volumes {
		got, problem := parseVolume(tt.in)
		if got != tt.want || problem != tt.problem {
			t.Errorf("parseVolume(%q) = %d, %q; want %d, %q", tt.in, got, problem, tt.want, tt.problem)
		}
	}
	cpcs := []struct {
		in           string
		decimalComma bool
		want         float64
		problem      string
	}{
		{"0.45", false, 0.45, ""}, {"$0.45", false, 0.45, ""}, {"0,45 €", true, 0.45, ""}, {"USD 1.20", false, 1.2, ""},
		{"£2", false, 2, ""}, {"1,200", false, 1200, ""}, {"1,200", true, 1.2, ""}, {"0,450", false, 0.45, ""},
		{"1.234,56", true, 1234.56, ""}, {"1,234.56", false, 1234.56, ""}, {"1.234", false, 1.234, ""},
		{"1.234.567", false, 0, "is too large"}, {"1.234.56", false, 0, "is not a number"}, {".5", false, 0.5, ""},
		{"12,34.5", false, 0, "is not a number"},
		{"-0.5", false, 0, "cannot be negative"}, {"free", false, 0, "is not a number"}, {"$", false, 0, "is not a number"},
		{"1.2.3,4,5", false, 0, "is not a number"},
	}
	for _, tt := range cpcs {
		got, problem := parseCPC(tt.in, tt.decimalComma)
		if got != tt.want || problem != tt.problem {
			t.Errorf("parseCPC(%q, %v) = %v, %q; want %v, %q", tt.in, tt.decimalComma, got, problem, tt.want, tt.problem)
		}
	}
	difficulties := []struct {
		in      string
		want    int
		problem string
	}{
		{"35", 35, ""}, {"35%", 35, ""}, {"35.6", 36, ""}, {"0", 0, ""}, {"100", 100, ""},
		{"101", 0, "is not between 0 and 100"}, {"-1", 0, "is not between 0 and 100"}, {"hard", 0, "is not a number"},
	}
	for _, tt := range difficulties {
		got, problem := parseDifficulty(tt.in)
		if got != tt.want || problem != tt.problem {
			t.Errorf("parseDifficulty(%q) = %d, %q; want %d, %q", tt.in, got, problem, tt.want, tt.problem)
		}
	}
	intents := []struct {
		in, want string
		ok       bool
	}{
		{"info", igny8.IntentInformational, true}, {"Commercial Investigation", igny8.IntentCommercial, true},
		{"transactional", igny8.IntentTransactional, true}, {"N", igny8.IntentNavigational, true},
		{"commercial-investigation", igny8.IntentCommercial, true}, {"C, T", igny8.IntentCommercial, true},
		{"informational, nonsense", "", false}, {"maybe", "", false}, {",", "", false},
	}
	for _, tt := range intents {
		got, ok := parseIntent(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseIntent(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	// "é" decomposed (e + combining acute) and composed normalise alike.
	if got, want := Normalize("  Cafe\u0301   Crème\t"), Normalize("café crème"); got != want || got != "café crème" {
		t.Errorf("Normalize = %q and %q, want both %q", got, want, "café crème")
	}
}
