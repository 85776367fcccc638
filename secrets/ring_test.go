package secrets

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/igny8/igny8"
)

// testKey returns a fixed 32-byte key; tests need reproducible rings.
func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

// mustRing returns a ring of testKey(id) for each id, with primary.
func mustRing(tb testing.TB, primary uint32, ids ...uint32) *Ring {
	tb.Helper()
	keys := make(map[uint32][]byte)
	for _, id := range ids {
		keys[id] = testKey(byte(id))
	}
	r, err := NewRing(primary, keys)
	if err != nil {
		tb.Fatalf("NewRing(%d, %v): %v", primary, ids, err)
	}
	return r
}

// mustSeal seals plaintext or fails the test.
func mustSeal(tb testing.TB, r *Ring, plaintext string, ad []byte) []byte {
	tb.Helper()
	ct, err := r.Seal([]byte(plaintext), ad)
	if err != nil {
		tb.Fatalf("Seal: %v", err)
	}
	return ct
}

// wantOpenError checks err is an *OpenError about key id.
func wantOpenError(tb testing.TB, err error, id uint32, problem string) {
	tb.Helper()
	var oe *OpenError
	if !errors.As(err, &oe) {
		tb.Fatalf("err = %v (%T), want an *OpenError", err, err)
	}
	if oe.KeyID != id || !strings.Contains(oe.Problem, problem) {
		tb.Fatalf("err = %+v, want key %d and a problem with %q", oe, id, problem)
	}
	if got, want := igny8.ErrorCode(err), igny8.EInternal; got != want {
		tb.Fatalf("ErrorCode = %q, want %q", got, want)
	}
}

func TestSealOpen(t *testing.T) {
	t.Parallel()
	r := mustRing(t, 1, 1)
	ad := AssociatedData(PurposeIntegrationCredentials, 7, 42)
	for _, pt := range []string{"", "x", "abcd efgh ijkl mnop", "shpat_" + strings.Repeat("0123456789abcdef", 2), strings.Repeat("é", 5000)} {
		ct := mustSeal(t, r, pt, ad)
		if got, want := len(ct), len(pt)+Overhead; got != want {
			t.Errorf("len(Seal(%d bytes)) = %d, want %d", len(pt), got, want)
		}
		if len(pt) >= 4 && bytes.Contains(ct, []byte(pt)) {
			t.Errorf("the ciphertext contains the plaintext %q", pt)
		}
		got, err := r.Open(ct, ad)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if string(got) != pt {
			t.Errorf("Open = %q, want %q", got, pt)
		}
	}
}

func TestSealFormat(t *testing.T) {
	t.Parallel()
	r := mustRing(t, 258, 1, 258)
	ad := AssociatedData(PurposeIntegrationCredentials, 1, 2)
	a, b := mustSeal(t, r, "same", ad), mustSeal(t, r, "same", ad)
	if got, want := a[0], byte(Version); got != want {
		t.Errorf("version byte = %d, want %d", got, want)
	}
	if got, want := a[1:5], []byte{0, 0, 1, 2}; !bytes.Equal(got, want) {
		t.Errorf("key id bytes = %v, want %v (258, big-endian)", got, want)
	}
	if id, err := KeyID(a); err != nil || id != 258 {
		t.Errorf("KeyID = %d, %v; want 258", id, err)
	}
	if bytes.Equal(a[5:17], b[5:17]) {
		t.Error("two seals used the same nonce")
	}
	if bytes.Equal(a, b) {
		t.Error("two seals of the same plaintext are equal")
	}
}

func TestAssociatedData(t *testing.T) {
	t.Parallel()
	got := AssociatedData("ab", 1, -1)
	want := []byte{0, 0, 0, 2, 'a', 'b', 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	if !bytes.Equal(got, want) {
		t.Errorf("AssociatedData = %v, want %v", got, want)
	}
	// Triples that a naive concatenation would confuse encode differently.
	seen := map[string]string{}
	for _, c := range []struct {
		purpose     string
		account, in int64
	}{
		{"p", 1, 2}, {"p", 2, 1}, {"p", 12, 0}, {"p1", 2, 0}, {"", 1, 2}, {"p\x00", 1, 2}, {"p", 1, 0}, {"p", 0, 1},
	} {
		k := string(AssociatedData(c.purpose, c.account, c.in))
		name := fmt.Sprintf("%q/%d/%d", c.purpose, c.account, c.in)
		if other, dup := seen[k]; dup {
			t.Errorf("%s and %s encode alike", name, other)
		}
		seen[k] = name
	}
}

func TestOpenOtherBinding(t *testing.T) {
	t.Parallel()
	r := mustRing(t, 1, 1)
	ct := mustSeal(t, r, "wp-app-password", AssociatedData(PurposeIntegrationCredentials, 7, 42))
	for name, ad := range map[string][]byte{
		"another integration":          AssociatedData(PurposeIntegrationCredentials, 7, 43),
		"another account":              AssociatedData(PurposeIntegrationCredentials, 8, 42),
		"another purpose":              AssociatedData("webhook-secret", 7, 42),
		"account and integration swap": AssociatedData(PurposeIntegrationCredentials, 42, 7),
	} {
		_, err := r.Open(ct, ad)
		if err == nil {
			t.Fatalf("%s: Open succeeded", name)
		}
		wantOpenError(t, err, 1, "it was altered, or it belongs to another integration or account")
		if strings.Contains(err.Error(), "wp-app-password") {
			t.Errorf("%s: the error %q shows the plaintext", name, err)
		}
	}
}

func TestOpenTampered(t *testing.T) {
	t.Parallel()
	r := mustRing(t, 1, 1, 2)
	ad := AssociatedData(PurposeIntegrationCredentials, 1, 1)
	ct := mustSeal(t, r, "token", ad)
	for i := range ct {
		for _, mask := range []byte{0x01, 0x80, 0xff} {
			bad := bytes.Clone(ct)
			bad[i] ^= mask
			if _, err := r.Open(bad, ad); err == nil {
				t.Fatalf("Open succeeded with byte %d xor %#x", i, mask)
			}
		}
	}
	if _, err := r.Open(ct[:len(ct)-1], ad); err == nil {
		t.Error("Open succeeded on a ciphertext cut by one byte")
	}
	if _, err := r.Open(append(bytes.Clone(ct), 0), ad); err == nil {
		t.Error("Open succeeded on a ciphertext with a byte appended")
	}
	// A ciphertext relabelled with another key of the ring names that key.
	bad := bytes.Clone(ct)
	binary.BigEndian.PutUint32(bad[1:5], 2)
	_, err := r.Open(bad, ad)
	wantOpenError(t, err, 2, "does not decrypt with its key (2)")
}

func TestOpenMalformed(t *testing.T) {
	t.Parallel()
	r := mustRing(t, 1, 1)
	ad := AssociatedData(PurposeIntegrationCredentials, 1, 1)
	valid := mustSeal(t, r, "x", ad)
	zeroID := bytes.Clone(valid)
	copy(zeroID[1:5], []byte{0, 0, 0, 0})
	for _, c := range []struct {
		name    string
		ct      []byte
		problem string
	}{
		{"nil", nil, "the ciphertext is empty"},
		{"plaintext stored by mistake", []byte("hunter2-but-longer-than-33-bytes-for-sure"), "starts with version 104"},
		{"version 2", append([]byte{2}, valid[1:]...), "starts with version 2, and this build reads version 1"},
		{"short", valid[:Overhead-1], fmt.Sprintf("is %d bytes, shorter than the %d", Overhead-1, Overhead)},
		{"key 0", zeroID, "names key 0"},
	} {
		_, err := r.Open(c.ct, ad)
		wantOpenError(t, err, 0, c.problem)
		if _, kerr := KeyID(c.ct); kerr == nil || kerr.Error() != err.Error() {
			t.Errorf("%s: KeyID error = %v, want %v", c.name, kerr, err)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error %q shows the bytes", c.name, err)
		}
	}
}

func TestNoAssociatedData(t *testing.T) {
	t.Parallel()
	r := mustRing(t, 1, 1)
	if _, err := r.Seal([]byte("x"), nil); err == nil || !strings.Contains(err.Error(), "without associated data") {
		t.Errorf("Seal without associated data: err = %v", err)
	}
	ct := mustSeal(t, r, "x", AssociatedData(PurposeIntegrationCredentials, 1, 1))
	if _, err := r.Open(ct, []byte{}); err == nil || !strings.Contains(err.Error(), "without associated data") {
		t.Errorf("Open without associated data: err = %v", err)
	}
}

func TestSealCredential(t *testing.T) {
	t.Parallel()
	r := mustRing(t, 1, 1)
	ct, err := r.SealCredential(7, 42, []byte("app password"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := r.Open(ct, AssociatedData(PurposeIntegrationCredentials, 7, 42)); err != nil || string(got) != "app password" {
		t.Errorf("Open with the integration's associated data = %q, %v", got, err)
	}
	if got, err := r.OpenCredential(7, 42, ct); err != nil || string(got) != "app password" {
		t.Errorf("OpenCredential = %q, %v", got, err)
	}
	for _, ids := range [][2]int64{{7, 43}, {8, 42}, {42, 7}} {
		_, err := r.OpenCredential(ids[0], ids[1], ct)
		wantOpenError(t, err, 1, "belongs to another integration or account")
	}
}

func TestSecretSealOpen(t *testing.T) {
	t.Parallel()
	r := mustRing(t, 1, 1)
	ad := AssociatedData(PurposeIntegrationCredentials, 3, 4)
	ct, err := r.SealSecret(NewSecret("shpat_abc"), ad)
	if err != nil {
		t.Fatal(err)
	}
	s, err := r.OpenSecret(ct, ad)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Reveal(), "shpat_abc"; got != want {
		t.Errorf("OpenSecret = %q, want %q", got, want)
	}
	if s, err := r.OpenSecret(ct, AssociatedData(PurposeIntegrationCredentials, 3, 5)); err == nil || !s.IsZero() {
		t.Errorf("OpenSecret with another binding = %v, %v; want an empty Secret and an error", s, err)
	}
}

// TestRotation follows the package doc's procedure with rings in memory;
// TestRotationWithKeyFile does it with a key file.
func TestRotation(t *testing.T) {
	t.Parallel()
	type row struct {
		ad []byte
		ct []byte
		pt string
	}
	ring1 := mustRing(t, 1, 1)
	var rows []row
	for i := range 5 {
		ad := AssociatedData(PurposeIntegrationCredentials, 1, int64(i))
		pt := fmt.Sprintf("credential-%d", i)
		rows = append(rows, row{ad: ad, ct: mustSeal(t, ring1, pt, ad), pt: pt})
	}

	// Key 2 joins as primary; everything still opens.
	ring12 := mustRing(t, 2, 1, 2)
	for i, rw := range rows {
		if got, err := ring12.Open(rw.ct, rw.ad); err != nil || string(got) != rw.pt {
			t.Fatalf("row %d under ring {1, 2*}: %q, %v", i, got, err)
		}
	}
	// A new credential goes under key 2.
	newAD := AssociatedData(PurposeIntegrationCredentials, 1, 99)
	rows = append(rows, row{ad: newAD, ct: mustSeal(t, ring12, "new", newAD), pt: "new"})

	// Re-encrypt all: the old rows change, the new one does not.
	for i := range rows {
		ct, changed, err := ring12.Reencrypt(rows[i].ct, rows[i].ad)
		if err != nil {
			t.Fatalf("Reencrypt row %d: %v", i, err)
		}
		if wantChanged := i < 5; changed != wantChanged {
			t.Errorf("Reencrypt row %d: changed = %v, want %v", i, changed, wantChanged)
		}
		if !changed && !bytes.Equal(ct, rows[i].ct) {
			t.Errorf("Reencrypt row %d: unchanged, yet returned other bytes", i)
		}
		if id, err := KeyID(ct); err != nil || id != 2 {
			t.Errorf("row %d after Reencrypt: KeyID = %d, %v; want 2", i, id, err)
		}
		if _, changed, err := ring12.Reencrypt(ct, rows[i].ad); err != nil || changed {
			t.Errorf("second Reencrypt of row %d: changed = %v, err = %v; want unchanged", i, changed, err)
		}
		stale := rows[i].ct
		rows[i].ct = ct
		if i == 0 {
			// Kept for after key 1 is retired.
			rows = append(rows, row{ad: rows[0].ad, ct: stale, pt: "stale"})
		}
	}

	// Retire key 1: every re-encrypted row opens; a stale one fails clearly.
	ring2 := mustRing(t, 2, 2)
	stale := rows[len(rows)-1]
	for i, rw := range rows[:len(rows)-1] {
		if got, err := ring2.Open(rw.ct, rw.ad); err != nil || string(got) != rw.pt {
			t.Errorf("row %d under ring {2*}: %q, %v", i, got, err)
		}
	}
	_, err := ring2.Open(stale.ct, stale.ad)
	var uk *UnknownKeyError
	if !errors.As(err, &uk) || uk.KeyID != 1 {
		t.Fatalf("Open under a retired key: err = %v, want an *UnknownKeyError for key 1", err)
	}
	if got, want := err.Error(), "secrets: sealed with key 1, which the key ring does not have: add it back to the key ring, "+
		"or re-encrypt with igny8 keys rotate before retiring a key"; got != want {
		t.Errorf("error = %q\nwant      %q", got, want)
	}
	if _, _, err := ring2.Reencrypt(stale.ct, stale.ad); !errors.As(err, &uk) {
		t.Errorf("Reencrypt under a retired key: err = %v, want an *UnknownKeyError", err)
	}
	if got, want := igny8.ErrorCode(err), igny8.EInternal; got != want {
		t.Errorf("ErrorCode = %q, want %q", got, want)
	}
}

func TestReencryptChecksBinding(t *testing.T) {
	t.Parallel()
	r := mustRing(t, 1, 1)
	ct := mustSeal(t, r, "x", AssociatedData(PurposeIntegrationCredentials, 1, 1))
	// Under the primary already, but moved to another row: reported, not passed.
	_, changed, err := r.Reencrypt(ct, AssociatedData(PurposeIntegrationCredentials, 1, 2))
	if changed {
		t.Error("changed = true")
	}
	wantOpenError(t, err, 1, "belongs to another integration or account")
}

func TestFingerprint(t *testing.T) {
	t.Parallel()
	ring1, ring1again, ring3 := mustRing(t, 1, 1), mustRing(t, 1, 1, 2), mustRing(t, 3, 3)
	ring21 := mustRing(t, 2, 1, 2)
	const pt = "hunter2"
	fp := ring1.Fingerprint([]byte(pt))
	if !strings.HasPrefix(fp, "k1:") || len(fp) != len("k1:")+32 {
		t.Errorf("Fingerprint = %q, want k1: and 32 hex digits", fp)
	}
	if got := ring1.Fingerprint([]byte(pt)); got != fp {
		t.Errorf("Fingerprint is not stable: %q then %q", fp, got)
	}
	if got := ring1again.Fingerprint([]byte(pt)); got != fp {
		t.Errorf("another ring with the same primary key: %q, want %q", got, fp)
	}
	for name, got := range map[string]string{
		"another ring":           ring3.Fingerprint([]byte(pt)),
		"another primary key":    ring21.Fingerprint([]byte(pt)),
		"another plaintext":      ring1.Fingerprint([]byte("hunter3")),
		"the empty plaintext":    ring1.Fingerprint(nil),
		"a plaintext's prefix":   ring1.Fingerprint([]byte("hunter")),
		"a plaintext's extended": ring1.Fingerprint([]byte("hunter22")),
	} {
		if got == fp || got[3:] == fp[3:] {
			t.Errorf("%s: Fingerprint = %q, the same as %q", name, got, fp)
		}
	}
	for _, enc := range []string{pt, fmt.Sprintf("%x", pt), base64.StdEncoding.EncodeToString([]byte(pt))} {
		if strings.Contains(fp, enc) {
			t.Errorf("Fingerprint %q contains the plaintext (%q)", fp, enc)
		}
	}
	// The fingerprint key is not the encryption key, nor the raw key.
	if strings.Contains(fp, fmt.Sprintf("%x", testKey(1))[:8]) {
		t.Errorf("Fingerprint %q shows key material", fp)
	}
}

func TestNewRingErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		primary uint32
		keys    map[uint32][]byte
		entry   string
		problem string
	}{
		{"no keys", 1, nil, "", "it holds no keys"},
		{"no primary", 3, map[uint32][]byte{1: testKey(1), 2: testKey(2)}, "", "the primary key 3 is not among the keys 1, 2"},
		{"id 0", 0, map[uint32][]byte{0: testKey(1)}, "key 0", "key ids start at 1"},
		{"short key", 1, map[uint32][]byte{1: testKey(1)[:16]}, "key 1", "the key is 16 bytes; AES-256-GCM needs 32"},
		{"same key twice", 1, map[uint32][]byte{1: testKey(1), 2: testKey(1)}, "key 2", "it is the same key as key 1"},
		{"long key", 1, map[uint32][]byte{1: append(testKey(1), 0)}, "key 1", "the key is 33 bytes"},
	} {
		_, err := NewRing(c.primary, c.keys)
		wantConfigError(t, c.name, err, "the key ring", c.entry, c.problem)
	}
}

func TestRingPrints(t *testing.T) {
	t.Parallel()
	r := mustRing(t, 2, 1, 2)
	if got, want := r.String(), "the key ring: keys 1, 2; primary 2"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if got, want := r.Primary(), uint32(2); got != want {
		t.Errorf("Primary = %d, want %d", got, want)
	}
	if got, want := fmt.Sprint(r.IDs()), "[1 2]"; got != want {
		t.Errorf("IDs = %s, want %s", got, want)
	}
	material := [][]byte{testKey(1), testKey(2)}
	for _, k := range material[:2] {
		for _, info := range []string{infoEncryption, infoFingerprint} {
			derived, err := hkdf.Key(sha256.New, k, nil, info, KeySize)
			if err != nil {
				t.Fatal(err)
			}
			material = append(material, derived)
		}
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x"} {
		for _, v := range []any{r, *r, struct{ r Ring }{*r}} {
			out := fmt.Sprintf(verb, v)
			for _, k := range material {
				for _, enc := range []string{string(k), fmt.Sprintf("%x", k), fmt.Sprint(k), fmt.Sprintf("%x", k[:8]), strings.Trim(fmt.Sprint(k[:8]), "[]")} {
					if strings.Contains(out, enc) {
						t.Errorf("Sprintf(%q, %T) = %q shows key material", verb, v, out)
					}
				}
			}
		}
	}
}
