package planner

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/igny8/igny8"
)

// The numbers of keyword files come from spreadsheets in many locales:
// "1,200", "1.200", "1 200", "1'200", "1.2K", "$0.45", "0,45 €". Each
// parser returns the value or what is wrong with the text (a phrase that
// follows the quoted value in a message).

var (
	reDigits       = regexp.MustCompile(`^[0-9]+$`)
	reCommaGrouped = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})+$`)
	reDotGrouped   = regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{3})+$`)
	reZeroFraction = regexp.MustCompile(`^([0-9]+)[.,]0+$`)
	reDecimal      = regexp.MustCompile(`^[0-9]*[.,][0-9]+$`)
	reAbbreviated  = regexp.MustCompile(`^([0-9]+(?:[.,][0-9]+)?)([kKmM])$`)
	reRange        = regexp.MustCompile(`^[0-9.,]+[kKmM]?[-–—~][0-9.,]+[kKmM]?$`)
)

// ungroup drops the spaces and apostrophes some locales group digits
// with.
func ungroup(s string) string {
	return strings.Map(func(r rune) rune {
		if isSpace(r) || r == '\'' || r == '’' {
			return -1
		}
		return r
	}, s)
}

// parseVolume reads a monthly search volume: a whole number, grouped with
// commas, dots, spaces or apostrophes, or abbreviated ("1.2K"). "1.200" is
// 1,200: a volume is never fractional, so three digits after one dot are
// a group, not decimals.
func parseVolume(s string) (int64, string) {
	t := ungroup(s)
	if strings.HasPrefix(t, "-") && len(t) > 1 && (reDigits.MatchString(t[1:]) || reDecimal.MatchString(t[1:])) {
		return 0, "cannot be negative"
	}
	var scale float64
	switch {
	case reDigits.MatchString(t):
	case reCommaGrouped.MatchString(t):
		t = strings.ReplaceAll(t, ",", "")
	case reDotGrouped.MatchString(t):
		t = strings.ReplaceAll(t, ".", "")
	case reZeroFraction.MatchString(t):
		t = reZeroFraction.FindStringSubmatch(t)[1]
	case reAbbreviated.MatchString(t):
		m := reAbbreviated.FindStringSubmatch(t)
		t, scale = strings.Replace(m[1], ",", ".", 1), 1e3
		if m[2] == "m" || m[2] == "M" {
			scale = 1e6
		}
	case reRange.MatchString(t):
		return 0, "is a range; give one number"
	case reDecimal.MatchString(t):
		return 0, "is not a whole number"
	default:
		return 0, "is not a number"
	}
	if scale != 0 {
		f, err := strconv.ParseFloat(t, 64)
		if err != nil || f*scale > math.MaxInt64/2 {
			return 0, "is too large"
		}
		return int64(math.Round(f * scale)), ""
	}
	v, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, "is too large"
	}
	return v, ""
}

// parseDifficulty reads a keyword difficulty, 0 to 100, with or without
// a percent sign; decimals are rounded.
func parseDifficulty(s string) (int, string) {
	t := strings.TrimSuffix(ungroup(s), "%")
	if !reDigits.MatchString(t) && !reDecimal.MatchString(t) {
		if strings.HasPrefix(t, "-") {
			return 0, "is not between 0 and 100"
		}
		return 0, "is not a number"
	}
	f, err := strconv.ParseFloat(strings.Replace(t, ",", ".", 1), 64)
	if err != nil || f > 100 {
		return 0, "is not between 0 and 100"
	}
	return int(math.Round(f)), ""
}

// parseCPC reads a cost per click, with or without a currency sign or
// code ("$1.20", "1,20 €", "USD 0.45"). With both separators the last one
// is the decimal one. A lone comma is a decimal comma in semicolon- and
// tab-separated files (decimalComma) and before other than three digits;
// a lone dot is a decimal point; repeated, either groups thousands.
func parseCPC(s string, decimalComma bool) (float64, string) {
	t := strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Sc, r) || isSpace(r) || r == '\'' {
			return -1
		}
		return r
	}, s)
	t = strings.TrimFunc(t, func(r rune) bool { return r < 128 && unicode.IsLetter(r) })
	negative := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	if t == "" || strings.Trim(t, "0123456789.,") != "" || strings.Trim(t, ".,") == "" {
		return 0, "is not a number"
	}
	// Work out the decimal separator; the other one, if any, groups.
	dots, commas := strings.Count(t, "."), strings.Count(t, ",")
	decimal, group := byte(0), byte(0)
	switch {
	case dots > 0 && commas > 0:
		decimal, group = '.', ','
		if strings.LastIndexByte(t, ',') > strings.LastIndexByte(t, '.') {
			decimal, group = ',', '.'
		}
	case commas > 1:
		group = ','
	case commas == 1:
		i := strings.IndexByte(t, ',')
		if !decimalComma && len(t)-i-1 == 3 && t[:i] != "0" && t[:i] != "" {
			group = ','
		} else {
			decimal = ','
		}
	case dots > 1:
		group = '.'
	case dots == 1:
		decimal = '.'
	}
	whole, fraction := t, ""
	if decimal != 0 {
		whole, fraction, _ = strings.Cut(t, string(decimal))
	}
	if strings.ContainsAny(fraction, ".,") || !grouped(whole, group) {
		return 0, "is not a number"
	}
	t = strings.ReplaceAll(whole, ",", "")
	t = strings.ReplaceAll(t, ".", "")
	if fraction != "" {
		t += "." + fraction
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		return 0, "is not a number"
	}
	if negative && f != 0 {
		return 0, "cannot be negative"
	}
	if f > 1e6 {
		return 0, "is too large"
	}
	return f, ""
}

// grouped reports whether whole is digits, grouped by threes with sep
// when sep is set.
func grouped(whole string, sep byte) bool {
	if sep == 0 {
		return !strings.ContainsAny(whole, ".,")
	}
	parts := strings.Split(whole, string(sep))
	for i, p := range parts {
		if (i == 0 && (len(p) < 1 || len(p) > 3)) || (i > 0 && len(p) != 3) {
			return false
		}
	}
	return true
}

// intentAliases maps the intent labels keyword tools use to igny8's
// intents: their names and short forms, Semrush's letters (I, C, T, N),
// and Google's know / do / website.
var intentAliases = map[string]string{
	"informational": igny8.IntentInformational, "information": igny8.IntentInformational,
	"info": igny8.IntentInformational, "i": igny8.IntentInformational, "know": igny8.IntentInformational,
	"commercial": igny8.IntentCommercial, "commercial investigation": igny8.IntentCommercial,
	"investigation": igny8.IntentCommercial, "investigational": igny8.IntentCommercial,
	"comparison": igny8.IntentCommercial, "consideration": igny8.IntentCommercial,
	"comm": igny8.IntentCommercial, "c": igny8.IntentCommercial,
	"transactional": igny8.IntentTransactional, "transaction": igny8.IntentTransactional,
	"trans": igny8.IntentTransactional, "purchase": igny8.IntentTransactional, "buy": igny8.IntentTransactional,
	"do": igny8.IntentTransactional, "t": igny8.IntentTransactional,
	"navigational": igny8.IntentNavigational, "navigation": igny8.IntentNavigational,
	"nav": igny8.IntentNavigational, "website": igny8.IntentNavigational, "brand": igny8.IntentNavigational,
	"branded": igny8.IntentNavigational, "n": igny8.IntentNavigational,
}

// parseIntent reads an intent, or a list of them ("Informational,
// Commercial"), of which the first is kept; every label must be known.
func parseIntent(s string) (string, bool) {
	parts := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ',' || r == ';' || r == '/' || r == '|' || r == '+' || r == '&'
	})
	first := ""
	for _, p := range parts {
		p = strings.Join(strings.FieldsFunc(p, func(r rune) bool { return isSpace(r) || r == '-' || r == '_' }), " ")
		if p == "" {
			continue
		}
		v, ok := intentAliases[p]
		if !ok {
			return "", false
		}
		if first == "" {
			first = v
		}
	}
	return first, first != ""
}
