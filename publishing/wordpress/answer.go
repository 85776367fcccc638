package wordpress

import (
	"bytes"
	"encoding/json"
	"html"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// wpError is WordPress's error body, from WP_REST_Server::error_to_response:
// {"code": "rest_no_route", "message": "…", "data": {"status": 404}}.
type wpError struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
}

// params reads data.params of a rest_invalid_param ({"status": "status
// is not one of …"}) or rest_missing_callback_param (["title"]).
func (e wpError) params() map[string]string {
	var d struct {
		Params json.RawMessage `json:"params"`
	}
	if json.Unmarshal(e.Data, &d) != nil || len(d.Params) == 0 {
		return nil
	}
	var m map[string]string
	if json.Unmarshal(d.Params, &m) == nil && len(m) > 0 {
		for k, v := range m {
			m[k] = plainText(v)
		}
		return m
	}
	var names []string
	if json.Unmarshal(d.Params, &names) == nil && len(names) > 0 {
		m = map[string]string{}
		for _, n := range names {
			m[n] = ""
		}
		return m
	}
	return nil
}

// wpErrorOf returns the WordPress error in a, if a's body is one.
func wpErrorOf(a *answer) (wpError, bool) {
	var e wpError
	if err := json.Unmarshal(jsonBody(a.body), &e); err != nil || e.Code == "" {
		return wpError{}, false
	}
	e.Message = plainText(e.Message)
	return e, true
}

// jsonBody trims what some sites put before their JSON: white space and a
// UTF-8 byte order mark (left by a theme's functions.php saved with one).
func jsonBody(b []byte) []byte {
	b = bytes.TrimSpace(b)
	return bytes.TrimSpace(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")))
}

// isHTML reports whether a is a web page rather than an API answer.
func isHTML(a *answer) bool {
	if mt, _, err := mime.ParseMediaType(a.header.Get("Content-Type")); err == nil && (mt == "text/html" || mt == "application/xhtml+xml") {
		return true
	}
	return bytes.HasPrefix(jsonBody(a.body), []byte("<"))
}

// isJSONType reports whether a says its body is JSON.
func isJSONType(a *answer) bool {
	mt, _, err := mime.ParseMediaType(a.header.Get("Content-Type"))
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

var (
	blockTags = regexp.MustCompile(`(?i)</?(p|br|div|li|ul|ol|h[1-6]|tr|td)\b[^>]*>`)
	tags      = regexp.MustCompile(`<[^>]*>`)
)

// plainText turns one of WordPress's messages, which may carry markup
// ("<strong>Error</strong>: Unknown username."), into one short line.
func plainText(s string) string {
	s = html.UnescapeString(tags.ReplaceAllString(blockTags.ReplaceAllString(s, " "), ""))
	s = strings.Join(strings.Fields(s), " ")
	const limit = 300
	if len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

// statusText is "404 Not Found".
func statusText(status int) string {
	if t := http.StatusText(status); t != "" {
		return strconv.Itoa(status) + " " + t
	}
	return strconv.Itoa(status)
}
