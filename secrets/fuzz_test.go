package secrets

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fuzzRing and fuzzAD are fixed, so that the committed seeds in
// testdata/fuzz/FuzzOpen that are genuine ciphertexts open.
func fuzzRing(tb testing.TB) (*Ring, []byte) {
	return mustRing(tb, 2, 1, 2), AssociatedData(PurposeIntegrationCredentials, 1, 2)
}

// FuzzOpen feeds Open arbitrary bytes: it must never panic, open only
// genuine ciphertexts, and otherwise fail with one of its two error types.
func FuzzOpen(f *testing.F) {
	r, ad := fuzzRing(f)
	f.Add(mustSeal(f, r, "shpat_0123456789abcdef", ad))
	f.Add([]byte{Version, 0, 0, 0, 9})
	f.Fuzz(func(t *testing.T, ct []byte) {
		pt, err := r.Open(ct, ad)
		id, kerr := KeyID(ct)
		re, changed, rerr := r.Reencrypt(ct, ad)
		if (err == nil) != (rerr == nil) {
			t.Fatalf("Open err = %v, but Reencrypt err = %v", err, rerr)
		}
		if err == nil {
			if kerr != nil || (id != 1 && id != 2) {
				t.Fatalf("Open succeeded on a ciphertext of key %d (KeyID err %v)", id, kerr)
			}
			if len(pt) != len(ct)-Overhead {
				t.Fatalf("Open returned %d bytes from %d", len(pt), len(ct))
			}
			if changed != (id != 2) {
				t.Fatalf("Reencrypt of a key %d ciphertext: changed = %v", id, changed)
			}
			if back, err := r.Open(re, ad); err != nil || string(back) != string(pt) {
				t.Fatalf("the re-encrypted ciphertext opens to %q, %v; want %q", back, err, pt)
			}
			return
		}
		if pt != nil {
			t.Fatalf("Open failed (%v) yet returned %d bytes", err, len(pt))
		}
		var uk *UnknownKeyError
		var oe *OpenError
		switch {
		case errors.As(err, &uk):
			if kerr != nil || uk.KeyID != id || id == 1 || id == 2 {
				t.Fatalf("UnknownKeyError for key %d; KeyID = %d, %v", uk.KeyID, id, kerr)
			}
		case errors.As(err, &oe):
			if oe.Problem == "" || !strings.HasPrefix(err.Error(), "secrets: the ciphertext ") {
				t.Fatalf("OpenError %q", err)
			}
			if kerr == nil && oe.KeyID != id {
				t.Fatalf("OpenError names key %d; KeyID = %d", oe.KeyID, id)
			}
		default:
			t.Fatalf("Open err = %v (%T), want an *UnknownKeyError or an *OpenError", err, err)
		}
	})
}

// TestFuzzSeeds checks that the committed seeds still mean what their
// names say: the genuine ciphertexts open, the others fail as named. A
// change to the format or to key derivation breaks them, and this test
// says so.
func TestFuzzSeeds(t *testing.T) {
	t.Parallel()
	r, ad := fuzzRing(t)
	want := map[string]string{ // seed → "" (opens) or a part of the error
		"valid-key-1":       "",
		"valid-key-2-empty": "",
		"empty":             "the ciphertext is empty",
		"version-only":      "is 1 bytes, shorter than the 33",
		"version-2":         "starts with version 2",
		"short":             "is 32 bytes, shorter than the 33",
		"key-0":             "names key 0",
		"unknown-key-3":     "sealed with key 3, which the key ring does not have",
		"max-key-id":        "sealed with key 4294967295",
		"tampered-tag":      "does not decrypt with its key (1)",
		"relabelled-key-2":  "does not decrypt with its key (2)",
		"plaintext-stored":  "starts with version 97",
		"overhead-exactly":  "does not decrypt with its key (2)",
	}
	for name, problem := range want {
		b, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzOpen", name))
		if err != nil {
			t.Fatal(err)
		}
		quoted, ok := strings.CutPrefix(strings.TrimSpace(string(b)), "go test fuzz v1\n[]byte(")
		if !ok || !strings.HasSuffix(quoted, ")") {
			t.Fatalf("seed %s is not a fuzz corpus file", name)
		}
		ct, err := strconv.Unquote(strings.TrimSuffix(quoted, ")"))
		if err != nil {
			t.Fatalf("seed %s: %v", name, err)
		}
		pt, err := r.Open([]byte(ct), ad)
		switch {
		case problem == "" && err != nil:
			t.Errorf("seed %s does not open: %v", name, err)
		case problem == "" && name == "valid-key-1" && string(pt) != "wp-app-password abcd efgh":
			t.Errorf("seed %s opens to %q", name, pt)
		case problem != "" && (err == nil || !strings.Contains(err.Error(), problem)):
			t.Errorf("seed %s: err = %v, want one with %q", name, err, problem)
		}
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", "FuzzOpen"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if _, ok := want[e.Name()]; !ok {
			t.Logf("seed %s (found by fuzzing) is not described here", e.Name())
		}
	}
}
