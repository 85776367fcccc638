package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Sizes and the version of the ciphertext format (see the package doc).
const (
	KeySize   = 32 // bytes of a ring key (AES-256)
	NonceSize = 12 // bytes of a GCM nonce
	Version   = 1  // the first byte of every ciphertext this build writes

	headerSize = 1 + 4 // version, key id
	tagSize    = 16
	// Overhead is how many bytes sealing adds to a plaintext.
	Overhead = headerSize + NonceSize + tagSize
)

// PurposeIntegrationCredentials is the purpose that binds a site
// integration's credentials (AssociatedData).
const PurposeIntegrationCredentials = "integration-credentials"

// HKDF info strings: each ring key is used only through keys derived for
// one use each, so the encryption key and the fingerprint key are
// independent.
const (
	infoEncryption  = "igny8/secrets v1 aes-256-gcm"
	infoFingerprint = "igny8/secrets v1 fingerprint hmac-sha256"
)

// AssociatedData returns the associated data that binds a ciphertext to
// one purpose, account and integration: a ciphertext sealed with it opens
// only with the same three values, so a ciphertext copied to another row
// or account fails to open. The encoding is unambiguous: the purpose's
// length (4 bytes, big-endian), the purpose, then accountID and
// integrationID (8 bytes each, big-endian two's complement).
func AssociatedData(purpose string, accountID, integrationID int64) []byte {
	b := make([]byte, 0, 4+len(purpose)+8+8)
	b = binary.BigEndian.AppendUint32(b, uint32(len(purpose)))
	b = append(b, purpose...)
	b = binary.BigEndian.AppendUint64(b, uint64(accountID))
	b = binary.BigEndian.AppendUint64(b, uint64(integrationID))
	return b
}

// Ring is a set of keys, each with an id, one of which is the primary:
// Seal uses the primary key, Open uses whichever key the ciphertext
// names. A Ring is immutable and safe for concurrent use; to change the
// keys, load a new one. It holds no raw key, only keys derived from them,
// and prints as a summary without key material.
type Ring struct {
	primary uint32
	ids     []uint32 // increasing
	source  string   // where the keys came from, for errors
	// The derived keys live in closures: fmt prints a func as an address,
	// while it would print a map, slice or pointer it reaches by
	// reflection (say, a Ring copied into an unexported field and printed
	// with %s) in full.
	aead func(id uint32) (cipher.AEAD, bool)
	mac  func() hash.Hash // HMAC-SHA256 under the fingerprint key
}

// ringKey is one key of a configuration, with the words that name its
// entry in errors.
type ringKey struct {
	id    uint32
	key   []byte
	entry string
}

// NewRing returns a ring of keys by id, with primary as the primary. Each
// key must be KeySize random bytes (crypto/rand); ids start at 1. Most
// programs load a ring with Load instead.
func NewRing(primary uint32, keys map[uint32][]byte) (*Ring, error) {
	var ks []ringKey
	for _, id := range slices.Sorted(maps.Keys(keys)) {
		ks = append(ks, ringKey{id: id, key: keys[id], entry: fmt.Sprintf("key %d", id)})
	}
	return newRing("the key ring", primary, ks)
}

// newRing checks the keys and derives the ring's keys from them.
func newRing(source string, primary uint32, keys []ringKey) (*Ring, error) {
	if len(keys) == 0 {
		return nil, &ConfigError{Source: source, Problem: "it holds no keys: add one (openssl rand -base64 32 makes one)"}
	}
	aeads := make(map[uint32]cipher.AEAD, len(keys))
	var fpKey []byte
	for i, k := range keys {
		if k.id == 0 {
			return nil, &ConfigError{Source: source, Entry: k.entry, Problem: "key ids start at 1"}
		}
		if _, dup := aeads[k.id]; dup {
			return nil, &ConfigError{Source: source, Entry: k.entry, Problem: fmt.Sprintf("key id %d is listed twice: give each key its own id", k.id)}
		}
		if len(k.key) != KeySize {
			return nil, &ConfigError{Source: source, Entry: k.entry,
				Problem: fmt.Sprintf("the key is %d bytes; AES-256-GCM needs %d (openssl rand -base64 32 makes one)", len(k.key), KeySize)}
		}
		// A key pasted twice under two ids is a rotation gone wrong: the
		// "new" key would protect nothing the old one did not.
		if j := slices.IndexFunc(keys[:i], func(o ringKey) bool { return hmac.Equal(o.key, k.key) }); j >= 0 {
			return nil, &ConfigError{Source: source, Entry: k.entry,
				Problem: fmt.Sprintf("it is the same key as key %d: a new key must be new (openssl rand -base64 32 makes one)", keys[j].id)}
		}
		encKey, err := hkdf.Key(sha256.New, k.key, nil, infoEncryption, KeySize)
		if err != nil {
			return nil, fmt.Errorf("secrets: derive the encryption key of %s: %w", k.entry, err)
		}
		block, err := aes.NewCipher(encKey)
		clear(encKey) // the cipher keeps its own schedule
		if err != nil {
			return nil, fmt.Errorf("secrets: %s: %w", k.entry, err)
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, fmt.Errorf("secrets: %s: %w", k.entry, err)
		}
		aeads[k.id] = aead
		if k.id == primary {
			if fpKey, err = hkdf.Key(sha256.New, k.key, nil, infoFingerprint, 32); err != nil {
				return nil, fmt.Errorf("secrets: derive the fingerprint key of %s: %w", k.entry, err)
			}
		}
	}
	ids := slices.Sorted(maps.Keys(aeads))
	if fpKey == nil {
		return nil, &ConfigError{Source: source, Problem: fmt.Sprintf("the primary key %d is not among the keys %s", primary, idList(ids))}
	}
	return &Ring{
		primary: primary,
		ids:     ids,
		source:  source,
		aead: func(id uint32) (cipher.AEAD, bool) {
			a, ok := aeads[id]
			return a, ok
		},
		mac: func() hash.Hash { return hmac.New(sha256.New, fpKey) },
	}, nil
}

// Primary returns the id of the key Seal uses.
func (r *Ring) Primary() uint32 { return r.primary }

// IDs returns the ids of the ring's keys, in increasing order.
func (r *Ring) IDs() []uint32 { return slices.Clone(r.ids) }

// String describes the ring without key material, e.g.
// "IGNY8_SECRETS_KEYS: keys 1, 2; primary 2".
func (r *Ring) String() string {
	return fmt.Sprintf("%s: keys %s; primary %d", r.source, idList(r.IDs()), r.primary)
}

// GoString is String, so %#v shows no key material either.
func (r *Ring) GoString() string { return r.String() }

// errNoAssociatedData is returned by Seal and Open without associated
// data: every credential is bound to where it belongs.
func errNoAssociatedData(op string) error {
	return fmt.Errorf("secrets: %s without associated data: bind the credential with AssociatedData(purpose, accountID, integrationID)", op)
}

// Seal encrypts plaintext with the primary key, bound to ad (see
// AssociatedData, which builds it; it must not be empty), and returns the
// ciphertext in the format of the package doc.
func (r *Ring) Seal(plaintext, ad []byte) ([]byte, error) {
	if len(ad) == 0 {
		return nil, errNoAssociatedData("seal")
	}
	out := make([]byte, headerSize+NonceSize, Overhead+len(plaintext))
	out[0] = Version
	binary.BigEndian.PutUint32(out[1:headerSize], r.primary)
	nonce := out[headerSize:]
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("secrets: make a nonce: %w", err)
	}
	aead, _ := r.aead(r.primary)
	return aead.Seal(out, nonce, plaintext, additionalData(out[:headerSize], ad)), nil
}

// Open decrypts a ciphertext of Seal that was bound to ad. It fails with
// an *UnknownKeyError when the ring lacks the key the ciphertext names,
// and with an *OpenError when the ciphertext is malformed, altered, or
// bound to other associated data.
func (r *Ring) Open(ciphertext, ad []byte) ([]byte, error) {
	if len(ad) == 0 {
		return nil, errNoAssociatedData("open")
	}
	id, err := KeyID(ciphertext)
	if err != nil {
		return nil, err
	}
	aead, ok := r.aead(id)
	if !ok {
		return nil, &UnknownKeyError{KeyID: id, Source: r.source}
	}
	nonce, sealed := ciphertext[headerSize:headerSize+NonceSize], ciphertext[headerSize+NonceSize:]
	plaintext, err := aead.Open(nil, nonce, sealed, additionalData(ciphertext[:headerSize], ad))
	if err != nil {
		return nil, &OpenError{KeyID: id, Problem: fmt.Sprintf(
			"the ciphertext does not decrypt with its key (%d): it was altered, or it belongs to another integration or account", id)}
	}
	return plaintext, nil
}

// SealSecret is Seal for a Secret.
func (r *Ring) SealSecret(s Secret, ad []byte) ([]byte, error) {
	return r.Seal([]byte(s.Reveal()), ad)
}

// OpenSecret is Open into a Secret.
func (r *Ring) OpenSecret(ciphertext, ad []byte) (Secret, error) {
	b, err := r.Open(ciphertext, ad)
	if err != nil {
		return Secret{}, err
	}
	s := NewSecret(string(b))
	clear(b)
	return s, nil
}

// SealCredential seals a site integration's credential: Seal bound to
// AssociatedData(PurposeIntegrationCredentials, accountID,
// integrationID). With OpenCredential, it lets a package that may not
// import this one declare the interface it needs in its own terms.
func (r *Ring) SealCredential(accountID, integrationID int64, plaintext []byte) ([]byte, error) {
	return r.Seal(plaintext, AssociatedData(PurposeIntegrationCredentials, accountID, integrationID))
}

// OpenCredential opens what SealCredential sealed for the same account
// and integration.
func (r *Ring) OpenCredential(accountID, integrationID int64, ciphertext []byte) ([]byte, error) {
	return r.Open(ciphertext, AssociatedData(PurposeIntegrationCredentials, accountID, integrationID))
}

// Reencrypt opens a ciphertext bound to ad and, if a key other than the
// primary sealed it, seals its plaintext again with the primary key. It
// returns the ciphertext to store and whether it changed; an unchanged
// ciphertext was still opened, so Reencrypt also finds rows that no
// longer open. It is what igny8 keys rotate calls for each row.
func (r *Ring) Reencrypt(ciphertext, ad []byte) ([]byte, bool, error) {
	plaintext, err := r.Open(ciphertext, ad)
	if err != nil {
		return nil, false, err
	}
	defer clear(plaintext)
	if id, _ := KeyID(ciphertext); id == r.primary {
		return ciphertext, false, nil
	}
	out, err := r.Seal(plaintext, ad)
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// KeyID returns the id of the key that sealed a ciphertext, without
// opening it, so a rotation can report which keys are still in use. It
// fails with an *OpenError when the bytes are not a ciphertext of this
// format.
func KeyID(ciphertext []byte) (uint32, error) {
	switch {
	case len(ciphertext) == 0:
		return 0, &OpenError{Problem: "the ciphertext is empty: no credential was stored"}
	case ciphertext[0] != Version:
		return 0, &OpenError{Problem: fmt.Sprintf(
			"the ciphertext starts with version %d, and this build reads version %d: it is not a sealed credential, or a newer igny8 wrote it",
			ciphertext[0], Version)}
	case len(ciphertext) < Overhead:
		return 0, &OpenError{Problem: fmt.Sprintf(
			"the ciphertext is %d bytes, shorter than the %d of an empty sealed credential: it was cut short", len(ciphertext), Overhead)}
	}
	id := binary.BigEndian.Uint32(ciphertext[1:headerSize])
	if id == 0 {
		return 0, &OpenError{Problem: "the ciphertext names key 0, which no ring has: it is not a sealed credential"}
	}
	return id, nil
}

// additionalData is what GCM authenticates besides the plaintext: the
// ciphertext's header, then the caller's associated data. The header has
// a fixed size, so the concatenation is unambiguous.
func additionalData(header, ad []byte) []byte {
	return append(append(make([]byte, 0, len(header)+len(ad)), header...), ad...)
}

// Fingerprint returns a keyed fingerprint of a credential, for an API
// to show in place of the credential, e.g. "k2:5f0c…" (32 hex digits). It
// is HMAC-SHA256 under a key derived with HKDF from the primary key,
// truncated to 128 bits: stable for the same plaintext under the same
// primary key, different under another ring, and useless for guessing
// short credentials without the key. The "k2" names the primary key it
// came from: once another key becomes primary, the same plaintext gets
// another fingerprint. So compute it when the credential is stored, store
// it next to the ciphertext, and show the stored one.
func (r *Ring) Fingerprint(plaintext []byte) string {
	m := r.mac()
	m.Write(plaintext)
	return "k" + strconv.FormatUint(uint64(r.primary), 10) + ":" + hex.EncodeToString(m.Sum(nil)[:16])
}

// idList writes ids as "1, 2, 3".
func idList(ids []uint32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatUint(uint64(id), 10)
	}
	return strings.Join(s, ", ")
}
