package secrets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// mustLoad loads a key file or fails the test.
func mustLoad(tb testing.TB, path string) *Ring {
	tb.Helper()
	r, err := LoadKeyFile(path)
	if err != nil {
		tb.Fatalf("LoadKeyFile: %v", err)
	}
	return r
}

// wantMode checks the mode bits of path.
func wantMode(tb testing.TB, path string, want os.FileMode) {
	tb.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		tb.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		tb.Errorf("%s: mode %04o, want %04o", path, got, want)
	}
}

// readFileJSON returns the key file's fields.
func readFileJSON(tb testing.TB, path string) (primary string, keys map[string]string) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var f struct {
		Primary string            `json:"primary"`
		Keys    map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		tb.Fatalf("the key file is not JSON: %v", err)
	}
	return f.Primary, f.Keys
}

func TestCreateKeyFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "secrets")
	path := filepath.Join(dir, "keys.json")
	r, err := CreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.String(), "key file "+path+": keys 1; primary 1"; got != want {
		t.Errorf("ring = %q, want %q", got, want)
	}
	wantMode(t, path, 0o600)
	wantMode(t, dir, 0o700)
	primary, keys := readFileJSON(t, path)
	if primary != "1" || len(keys) != 1 || len(keys["1"]) != 44 {
		t.Errorf("file: primary %q, %d keys, key 1 of %d characters; want 1, 1, 44", primary, len(keys), len(keys["1"]))
	}

	// The file holds the ring's key: what one seals, the other opens.
	ad := AssociatedData(PurposeIntegrationCredentials, 1, 1)
	if got, err := mustLoad(t, path).Open(mustSeal(t, r, "x", ad), ad); err != nil || string(got) != "x" {
		t.Errorf("Open = %q, %v", got, err)
	}

	// Never replaced.
	before, _ := os.ReadFile(path)
	_, err = CreateKeyFile(path)
	wantConfigError(t, "existing file", err, "key file "+path, "", "it already exists")
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("CreateKeyFile changed an existing file")
	}

	// Two files get different keys.
	other := filepath.Join(dir, "other.json")
	if _, err := CreateKeyFile(other); err != nil {
		t.Fatal(err)
	}
	_, otherKeys := readFileJSON(t, other)
	if otherKeys["1"] == keys["1"] {
		t.Error("two new key files hold the same key")
	}
}

func TestAddKeyToFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys.json")
	if _, err := CreateKeyFile(path); err != nil {
		t.Fatal(err)
	}
	_, keys1 := readFileJSON(t, path)

	id, err := AddKeyToFile(path, false)
	if err != nil || id != 2 {
		t.Fatalf("AddKeyToFile(standby) = %d, %v; want 2", id, err)
	}
	if got, want := mustLoad(t, path).String(), "key file "+path+": keys 1, 2; primary 1"; got != want {
		t.Errorf("after a standby key: %q, want %q", got, want)
	}
	id, err = AddKeyToFile(path, true)
	if err != nil || id != 3 {
		t.Fatalf("AddKeyToFile(primary) = %d, %v; want 3", id, err)
	}
	if got, want := mustLoad(t, path).String(), "key file "+path+": keys 1, 2, 3; primary 3"; got != want {
		t.Errorf("after a primary key: %q, want %q", got, want)
	}
	wantMode(t, path, 0o600)
	_, keys := readFileJSON(t, path)
	if keys["1"] != keys1["1"] || keys["2"] == keys["1"] || keys["3"] == keys["2"] {
		t.Error("adding keys changed key 1, or a new key repeats an old one")
	}
	if err := SetPrimaryInFile(path, 2); err != nil {
		t.Fatal(err)
	}
	if got := mustLoad(t, path).Primary(); got != 2 {
		t.Errorf("after SetPrimaryInFile(2): primary %d", got)
	}
	err = SetPrimaryInFile(path, 9)
	wantConfigError(t, "SetPrimaryInFile(9)", err, "key file "+path, "key 9", "the file has no such key (it has 1, 2, 3)")

	err = RemoveKeyFromFile(path, 2)
	wantConfigError(t, "remove the primary", err, "key file "+path, "key 2", "it is the primary key")
	err = RemoveKeyFromFile(path, 7)
	wantConfigError(t, "remove a missing key", err, "key file "+path, "key 7", "the file has no such key")
	if err := RemoveKeyFromFile(path, 1); err != nil {
		t.Fatal(err)
	}
	if got, want := mustLoad(t, path).String(), "key file "+path+": keys 2, 3; primary 2"; got != want {
		t.Errorf("after removing key 1: %q, want %q", got, want)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only the key file (no temporary files)", len(entries))
	}
}

func TestEditKeyFileRefusesBadFiles(t *testing.T) {
	t.Parallel()
	path := writeKeyFile(t, `{"primary": "1", "keys": {"1": "`+b64(1)+`"}}`, 0o644)
	_, err := AddKeyToFile(path, true)
	wantConfigError(t, "AddKeyToFile on mode 0644", err, "key file "+path, "", "group or others may read or write it")
	if b, _ := os.ReadFile(path); !bytes.Contains(b, []byte(`"primary": "1"`)) {
		t.Errorf("the file changed: %s", b)
	}
	err = RemoveKeyFromFile(filepath.Join(t.TempDir(), "missing.json"), 1)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("RemoveKeyFromFile on a missing file: %v", err)
	}
}

// TestRotationWithKeyFile is the rotation a developer runs with a key
// file: seal under key 1, add key 2 as primary, re-encrypt, retire key 1.
func TestRotationWithKeyFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "keys.json")
	ring, err := CreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ads := make([][]byte, 4)
	cts := make([][]byte, 4)
	for i := range cts {
		ads[i] = AssociatedData(PurposeIntegrationCredentials, int64(10+i), int64(i))
		cts[i] = mustSeal(t, ring, fmt.Sprint("token-", i), ads[i])
	}
	old := bytes.Clone(cts[0])

	if _, err := AddKeyToFile(path, true); err != nil {
		t.Fatal(err)
	}
	ring = mustLoad(t, path)
	for i := range cts {
		ct, changed, err := ring.Reencrypt(cts[i], ads[i])
		if err != nil || !changed {
			t.Fatalf("Reencrypt row %d: changed %v, %v", i, changed, err)
		}
		cts[i] = ct
	}
	if err := RemoveKeyFromFile(path, 1); err != nil {
		t.Fatal(err)
	}
	ring = mustLoad(t, path)
	for i := range cts {
		if got, err := ring.Open(cts[i], ads[i]); err != nil || string(got) != fmt.Sprint("token-", i) {
			t.Errorf("row %d after retiring key 1: %q, %v", i, got, err)
		}
	}
	_, err = ring.Open(old, ads[0])
	want := "secrets: sealed with key 1, which the key ring does not have: add it back to key file " + path +
		", or re-encrypt with igny8 keys rotate before retiring a key"
	var uk *UnknownKeyError
	if !errors.As(err, &uk) || err.Error() != want {
		t.Errorf("Open under the retired key: %v\nwant %s", err, want)
	}
}
