package secrets

import (
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/igny8/igny8"
)

// b64 returns testKey(b) in standard base64.
func b64(b byte) string { return base64.StdEncoding.EncodeToString(testKey(b)) }

// wantConfigError checks err is a *ConfigError with source, entry and a
// problem containing problem, with code invalid, that shows no key.
func wantConfigError(tb testing.TB, name string, err error, source, entry, problem string) {
	tb.Helper()
	var ce *ConfigError
	if !errors.As(err, &ce) {
		tb.Fatalf("%s: err = %v (%T), want a *ConfigError", name, err, err)
	}
	if ce.Source != source || ce.Entry != entry || !strings.Contains(ce.Problem, problem) {
		tb.Errorf("%s: err = %+v\nwant source %q, entry %q, problem with %q", name, ce, source, entry, problem)
	}
	if got, want := igny8.ErrorCode(err), igny8.EInvalid; got != want {
		tb.Errorf("%s: ErrorCode = %q, want %q", name, got, want)
	}
	if got, want := igny8.ErrorMessage(err), strings.TrimPrefix(err.Error(), "secrets: "); got != want {
		tb.Errorf("%s: ErrorMessage = %q, want %q", name, got, want)
	}
	for b := byte(0); b < 10; b++ {
		if k := b64(b); strings.Contains(err.Error(), k[:12]) {
			tb.Errorf("%s: the error %q shows a key", name, err)
		}
	}
}

func TestParseKeys(t *testing.T) {
	t.Parallel()
	r, err := ParseKeys(" 2:" + b64(2) + " , 1 : " + b64(1) + " ")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.String(), "IGNY8_SECRETS_KEYS: keys 1, 2; primary 2"; got != want {
		t.Errorf("ring = %q, want %q", got, want)
	}
	// The parsed ring holds the very keys: it opens what a ring of them sealed.
	ad := AssociatedData(PurposeIntegrationCredentials, 1, 1)
	ct := mustSeal(t, mustRing(t, 1, 1), "x", ad)
	if got, err := r.Open(ct, ad); err != nil || string(got) != "x" {
		t.Errorf("Open = %q, %v", got, err)
	}
	ct = mustSeal(t, r, "y", ad)
	if got, err := mustRing(t, 2, 2).Open(ct, ad); err != nil || string(got) != "y" {
		t.Errorf("sealed with the parsed ring, Open = %q, %v", got, err)
	}
	_, err = r.Open(mustSeal(t, mustRing(t, 3, 3), "z", ad), ad)
	if got, want := err.Error(), "secrets: sealed with key 3, which the key ring does not have: add it back to IGNY8_SECRETS_KEYS, "+
		"or re-encrypt with igny8 keys rotate before retiring a key"; got != want {
		t.Errorf("error = %q\nwant      %q", got, want)
	}
}

func TestParseKeysErrors(t *testing.T) {
	t.Parallel()
	short := base64.StdEncoding.EncodeToString(testKey(1)[:16])
	for _, c := range []struct {
		name, value, entry, problem string
	}{
		{"empty", "  ", "", "it is empty: set it to id:base64key entries"},
		{"no primary (nothing before the comma)", "," + "1:" + b64(1), "entry 1", "the entry is empty"},
		{"trailing comma", "1:" + b64(1) + ",", "entry 2", "the entry is empty"},
		{"no colon", b64(1), "entry 1", "the entry has no ':'"},
		{"no id", ":" + b64(1), "entry 1", "the key id must be a whole number from 1 to 4294967295"},
		{"id 0", "0:" + b64(1), "entry 1", "the key id must be"},
		{"negative id", "-1:" + b64(1), "entry 1", "the key id must be"},
		{"leading zero", "01:" + b64(1), "entry 1", "without leading zeros"},
		{"id too large", "4294967296:" + b64(1), "entry 1", "the key id must be"},
		{"word id", "one:" + b64(1), "entry 1", "the key id must be"},
		{"no key", "1:", "entry 1 (key 1)", "the key is empty"},
		{"bad base64", "1:" + b64(1)[:10] + "!" + b64(1)[11:], "entry 1 (key 1)", "not standard base64 (bad character or padding at byte 10 of the key)"},
		{"url base64", "1:" + strings.Repeat("_", 43) + "=", "entry 1 (key 1)", "not standard base64"},
		{"short key", "1:" + short, "entry 1 (key 1)", "the key is 16 bytes; AES-256-GCM needs 32"},
		{"long key", "1:" + base64.StdEncoding.EncodeToString(append(testKey(1), 1, 2)), "entry 1 (key 1)", "the key is 34 bytes"},
		{"duplicate id", "1:" + b64(1) + ",2:" + b64(2) + ",1:" + b64(3), "entry 3 (key 1)", "key id 1 is listed twice"},
		{"same key twice", "2:" + b64(1) + ",1:" + b64(1), "entry 2 (key 1)", "it is the same key as key 2: a new key must be new"},
		{"quoted", `"2:` + b64(2) + `"`, "", "it is wrapped in quotes: remove them"},
		{"single-quoted", `'2:` + b64(2) + `'`, "", "it is wrapped in quotes"},
		{"bad second entry", "2:" + b64(2) + ",1:" + short, "entry 2 (key 1)", "the key is 16 bytes"},
	} {
		_, err := ParseKeys(c.value)
		wantConfigError(t, c.name, err, EnvKeys, c.entry, c.problem)
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys.json")
	if _, err := CreateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	r, err := Load("3:"+b64(3), "")
	if err != nil || r.Primary() != 3 {
		t.Errorf("Load(keys) = %v, %v", r, err)
	}
	r, err = Load("", path)
	if err != nil || r.Primary() != 1 {
		t.Errorf("Load(file) = %v, %v", r, err)
	}
	const both = "IGNY8_SECRETS_KEYS and IGNY8_SECRETS_KEY_FILE"
	_, err = Load("3:"+b64(3), path)
	wantConfigError(t, "both", err, both, "", "both are set: keep one")
	_, err = Load("", "")
	wantConfigError(t, "neither", err, both, "", "neither is set")
	_, err = Load("", filepath.Join(t.TempDir(), "missing.json"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file: err = %v, want fs.ErrNotExist", err)
	}
}

// writeKeyFile writes content to a new key file with mode perm.
func writeKeyFile(tb testing.TB, content string, perm os.FileMode) string {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "keys.json")
	if err := os.WriteFile(path, []byte(content), perm); err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // past the umask
		tb.Fatal(err)
	}
	return path
}

func TestLoadKeyFile(t *testing.T) {
	t.Parallel()
	for _, perm := range []os.FileMode{0o600, 0o400} {
		path := writeKeyFile(t, `{"keys": {"1": "`+b64(1)+`", "2": "`+b64(2)+`"}, "primary": "2"}`, perm)
		r, err := LoadKeyFile(path)
		if err != nil {
			t.Fatalf("mode %04o: %v", perm, err)
		}
		if got, want := r.String(), "key file "+path+": keys 1, 2; primary 2"; got != want {
			t.Errorf("ring = %q, want %q", got, want)
		}
		ad := AssociatedData(PurposeIntegrationCredentials, 1, 1)
		if got, err := mustRing(t, 1, 1).Open(mustSeal(t, r, "x", ad), ad); err == nil {
			t.Errorf("key 1 opened what key 2, the primary, sealed: %q", got)
		}
		if got, err := mustRing(t, 2, 2).Open(mustSeal(t, r, "x", ad), ad); err != nil || string(got) != "x" {
			t.Errorf("Open = %q, %v", got, err)
		}
	}
}

func TestLoadKeyFileErrors(t *testing.T) {
	t.Parallel()
	good := `{"primary": "1", "keys": {"1": "` + b64(1) + `"}}`
	for _, c := range []struct {
		name, content string
		perm          os.FileMode
		entry         string
		problem       string
	}{
		{"world-readable", good, 0o644, "", "group or others may read or write it (mode 0644): it holds keys, so run chmod 600 "},
		{"group-readable", good, 0o640, "", "(mode 0640)"},
		{"other-readable", good, 0o604, "", "(mode 0604)"},
		{"group-writable", good, 0o620, "", "(mode 0620)"},
		{"empty", "", 0o600, "", "it is not valid JSON or not a key file near byte 0"},
		{"not JSON", "1:" + b64(1), 0o600, "", "it is not valid JSON"},
		{"an array", `[]`, 0o600, "", "it is not valid JSON"},
		{"cut short", good[:30], 0o600, "", "it is not valid JSON"},
		{"trailing data", good + `{}`, 0o600, "", "it is not valid JSON"},
		{"unknown field", `{"primay": "1", "keys": {"1": "` + b64(1) + `"}}`, 0o600, "", `it has an unknown field "primay"`},
		{"no primary", `{"keys": {"1": "` + b64(1) + `"}}`, 0o600, "", "it names no primary key"},
		{"primary not a key", `{"primary": "2", "keys": {"1": "` + b64(1) + `"}}`, 0o600, "", "the primary key 2 is not among the keys 1"},
		{"primary a number", `{"primary": 1, "keys": {"1": "` + b64(1) + `"}}`, 0o600, `"primary"`, `it must be a key id in quotes, like "1"`},
		{"primary 0", `{"primary": "0", "keys": {"1": "` + b64(1) + `"}}`, 0o600, `"primary"`, "the key id must be"},
		{"primary twice", `{"primary": "1", "primary": "1", "keys": {"1": "` + b64(1) + `"}}`, 0o600, `"primary"`, "the field is given twice"},
		{"keys twice", `{"primary": "1", "keys": {"1": "` + b64(1) + `"}, "keys": {}}`, 0o600, `"keys"`, "the field is given twice"},
		{"keys an array", `{"primary": "1", "keys": ["` + b64(1) + `"]}`, 0o600, `"keys"`, "it must be an object"},
		{"no keys", `{"primary": "1", "keys": {}}`, 0o600, "", "it holds no keys"},
		{"duplicate id", `{"primary": "1", "keys": {"1": "` + b64(1) + `", "1": "` + b64(2) + `"}}`, 0o600, "key 1", "key id 1 is listed twice"},
		{"bad id", `{"primary": "1", "keys": {"1": "` + b64(1) + `", "x2": "` + b64(2) + `"}}`, 0o600, `entry 2 of "keys"`, "the key id must be"},
		{"key a number", `{"primary": "1", "keys": {"1": 12}}`, 0o600, "key 1", "the key must be a string"},
		{"bad base64", `{"primary": "1", "keys": {"1": "` + b64(1)[:40] + `***="}}`, 0o600, "key 1", "not standard base64 (bad character or padding at byte 40 of the key)"},
		{"wrong length", `{"primary": "1", "keys": {"1": "` + base64.StdEncoding.EncodeToString(testKey(1)[:24]) + `"}}`, 0o600, "key 1", "the key is 24 bytes; AES-256-GCM needs 32"},
	} {
		path := writeKeyFile(t, c.content, c.perm)
		_, err := LoadKeyFile(path)
		wantConfigError(t, c.name, err, "key file "+path, c.entry, c.problem)
	}
}

func TestLoadKeyFileNotAFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := LoadKeyFile(dir)
	wantConfigError(t, "a directory", err, "key file "+dir, "", "it is not a regular file")

	_, err = LoadKeyFile(filepath.Join(dir, "missing.json"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: err = %v, want fs.ErrNotExist naming the file", err)
	}
}
