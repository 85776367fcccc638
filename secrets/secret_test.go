package secrets

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const plain = "hunter2-wp-app-password"

// wantRedacted fails if out shows the plaintext or lacks "[redacted]".
func wantRedacted(tb testing.TB, what, out string) {
	tb.Helper()
	if strings.Contains(out, plain) || strings.Contains(out, "hunter2") {
		tb.Errorf("%s = %q shows the credential", what, out)
	}
	if !strings.Contains(out, "[redacted]") && !strings.Contains(out, "0x") {
		tb.Errorf("%s = %q, want [redacted] (or, for an unexported field, an address)", what, out)
	}
}

func TestSecretFmt(t *testing.T) {
	t.Parallel()
	s := NewSecret(plain)
	type Integration struct {
		Name     string
		Password Secret
		token    Secret
		ptr      *Secret
	}
	in := Integration{Name: "wp", Password: s, token: s, ptr: &s}
	for _, verb := range []string{"%v", "%s", "%+v", "%#v", "%q", "%x", "%X", "%d", "%10.3s", "%-40v", "%T"} {
		for name, v := range map[string]any{"Secret": s, "*Secret": &s, "struct": in, "*struct": &in, "slice": []Secret{s}, "map": map[string]Secret{"k": s}} {
			out := fmt.Sprintf(verb, v)
			if verb == "%T" {
				continue // no value, but it must not panic
			}
			wantRedacted(t, fmt.Sprintf("Sprintf(%q, %s)", verb, name), out)
		}
	}
	for verb, want := range map[string]string{"%v": "[redacted]", "%s": "[redacted]", "%+v": "[redacted]", "%q": `"[redacted]"`, "%#v": "secrets.Secret{[redacted]}", "%5s": "[redacted]"} {
		if got := fmt.Sprintf(verb, s); got != want {
			t.Errorf("Sprintf(%q) = %q, want %q", verb, got, want)
		}
	}
	if got, want := s.String()+s.GoString(), "[redacted]secrets.Secret{[redacted]}"; got != want {
		t.Errorf("String+GoString = %q, want %q", got, want)
	}
	if got := fmt.Sprint(s) + fmt.Sprintln(s) + fmt.Errorf("login with %v: %w", s, fmt.Errorf("%s", s)).Error(); strings.Contains(got, "hunter2") {
		t.Errorf("Sprint, Sprintln, Errorf show the credential: %q", got)
	}
}

func TestSecretReveal(t *testing.T) {
	t.Parallel()
	if got := NewSecret(plain).Reveal(); got != plain {
		t.Errorf("Reveal = %q, want %q", got, plain)
	}
	var zero Secret
	if zero.Reveal() != "" || !zero.IsZero() || !NewSecret("").IsZero() || NewSecret("x").IsZero() {
		t.Error("the zero Secret or NewSecret(\"\") is not empty, or NewSecret(\"x\") is")
	}
	if got := fmt.Sprint(zero); got != "[redacted]" {
		t.Errorf("Sprint(zero) = %q, want [redacted]", got)
	}
}

func TestSecretJSON(t *testing.T) {
	t.Parallel()
	type dto struct {
		Password Secret            `json:"password"`
		Ptr      *Secret           `json:"ptr"`
		Empty    Secret            `json:"empty,omitzero"`
		ByName   map[Secret]string `json:"by_name"`
		List     []Secret          `json:"list"`
		Any      any               `json:"any"`
	}
	s := NewSecret(plain)
	b, err := json.Marshal(dto{Password: s, Ptr: &s, ByName: map[Secret]string{s: "v"}, List: []Secret{s}, Any: s})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"password":"[redacted]","ptr":"[redacted]","by_name":{"[redacted]":"v"},"list":["[redacted]"],"any":"[redacted]"}`
	if string(b) != want {
		t.Errorf("json.Marshal = %s\nwant %s", b, want)
	}
	wantRedacted(t, "json.Marshal", string(b))

	// A request body decodes into a Secret.
	var in dto
	if err := json.Unmarshal([]byte(`{"password": "`+plain+`", "ptr": null, "empty": null}`), &in); err != nil {
		t.Fatal(err)
	}
	if in.Password.Reveal() != plain || in.Ptr != nil || !in.Empty.IsZero() {
		t.Errorf("json.Unmarshal: password %q, ptr %v, empty %v", in.Password.Reveal(), in.Ptr, in.Empty.IsZero())
	}
	err = json.Unmarshal([]byte(`{"password": {"value": "`+plain+`"}}`), &in)
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("json.Unmarshal of an object: err = %v, want an error without the value", err)
	}
}

func TestSecretText(t *testing.T) {
	t.Parallel()
	b, err := xml.Marshal(struct {
		XMLName  xml.Name `xml:"i"`
		Password Secret   `xml:"password"`
	}{Password: NewSecret(plain)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "<i><password>[redacted]</password></i>"; got != want {
		t.Errorf("xml.Marshal = %s, want %s", got, want)
	}
}

func TestSecretSlog(t *testing.T) {
	t.Parallel()
	s := NewSecret(plain)
	type integration struct {
		Name     string
		Password Secret
		token    Secret
	}
	in := integration{Name: "wp", Password: s, token: s}
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		log := slog.New(h(&buf))
		log.Info("connect", "password", s, slog.Any("secret", s), "ptr", &s, "integration", in,
			slog.Group("g", "password", s), slog.String("as_string", s.String()))
		log.With("password", s).Info("with")
		out := buf.String()
		if strings.Contains(out, "hunter2") {
			t.Errorf("%s handler shows the credential: %s", name, out)
		}
		if got := strings.Count(out, "[redacted]"); got < 7 {
			t.Errorf("%s handler: %d [redacted], want at least 7: %s", name, got, out)
		}
	}
}
