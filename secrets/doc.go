// Package secrets encrypts the third-party credentials IGNY8 stores for
// site integrations (WordPress application passwords, Shopify access
// tokens, webhook signing secrets), keeps them out of logs, errors and
// API responses, and rotates the keys that protect them.
//
// # Sealing
//
// A Ring seals a credential with AES-256-GCM under its primary key and a
// random 12-byte nonce. Every ciphertext is bound to where it belongs by
// associated data, which Seal and Open require:
//
//	ad := secrets.AssociatedData(secrets.PurposeIntegrationCredentials, accountID, integrationID)
//	ct, err := ring.Seal([]byte(password), ad)
//	…
//	pt, err := ring.Open(ct, ad)
//
// or, for an integration's credentials, ring.SealCredential(accountID,
// integrationID, plaintext) and ring.OpenCredential, which build that
// associated data themselves and take only standard types, so a package
// that may not import this one can declare them in an interface.
//
// A ciphertext copied to another row, integration or account opens with
// other associated data and fails, as does one with any byte changed.
// AssociatedData encodes the purpose length-prefixed and both ids at fixed
// width, so no two triples share an encoding. Random nonces keep each key
// well within GCM's safe limits for up to about 2^32 seals; rotate long
// before that.
//
// # Ciphertext format
//
//	offset  size  content
//	0       1     version, 1
//	1       4     id of the key that sealed it, big-endian uint32, never 0
//	5       12    nonce
//	17      n+16  AES-256-GCM sealed plaintext (n bytes) and tag
//
// GCM authenticates the first five bytes, then the caller's associated
// data. A ciphertext is Overhead (33) bytes longer than its plaintext.
// Store it as bytea; the key id at offsets 1 to 4 (substring(ct from 2
// for 4) in SQL) tells which key sealed a row without opening it, as
// KeyID does. Each ring key is used through keys derived from it with
// HKDF-SHA256, one for AES-256-GCM and one for fingerprints, never
// directly.
//
// # Keys and where they come from
//
// Keys come from the environment or a key file, never from the database.
// cmd passes the values of two variables to Load, and exactly one must be
// set:
//
//   - IGNY8_SECRETS_KEYS holds the keys: "id:base64key" entries separated
//     by commas, the first being the primary, e.g.
//     IGNY8_SECRETS_KEYS="2:<base64>,1:<base64>" (ParseKeys).
//   - IGNY8_SECRETS_KEY_FILE names a JSON key file,
//     {"primary": "2", "keys": {"1": "<base64>", "2": "<base64>"}}, that
//     only its owner may read or write: mode 0600 or 0400; any group or
//     other bit is refused (LoadKeyFile). A Kubernetes secret volume
//     needs defaultMode 0400 for that.
//
// A key is 32 random bytes in standard base64 (openssl rand -base64 32);
// a key id is a whole number from 1 to 4294967295 written without leading
// zeros; each id and each key appears once. A malformed configuration fails with a
// *ConfigError that names the source and the entry at fault, and never
// repeats a key. For development, CreateKeyFile writes a new key file
// (igny8 dev calls it when its file does not exist yet). AddKeyToFile,
// SetPrimaryInFile and RemoveKeyFromFile replace a key file atomically,
// with mode 0600.
//
// # Rotation
//
// Every key in the ring opens what it sealed, so keys rotate without
// downtime:
//
//  1. Add a new key to every process, not yet primary: put "3:<new>" last
//     in IGNY8_SECRETS_KEYS, or AddKeyToFile(path, false). Restart them
//     all. (A single process may add the key as primary at once and skip
//     step 2: AddKeyToFile(path, true).)
//  2. Make it primary: move it first in IGNY8_SECRETS_KEYS, or
//     SetPrimaryInFile. Restart them all. New credentials are sealed with
//     the new key, and processes that do not hold it yet would fail to
//     open them: hence step 1.
//  3. Run igny8 keys rotate: for each row it calls Reencrypt, which opens
//     the ciphertext and, when another key sealed it, seals it again with
//     the primary key, and reports whether it changed. Run it until it
//     reports that no row uses an old key (KeyID).
//  4. Retire the old key: remove its entry, or RemoveKeyFromFile. Restart.
//     A ciphertext still sealed with it now fails with an
//     *UnknownKeyError saying which key to add back.
//
// Keep a retired key in a safe place for as long as backups may hold rows
// it sealed.
//
// # Fingerprints
//
// An API never returns a credential, only Ring.Fingerprint's keyed
// HMAC-SHA256 of it, e.g. "k2:5f0c…": stable for the same credential
// under the same primary key, useless for guessing short credentials
// without the key. It names the primary key it came from, and a new
// primary key gives the same credential a new fingerprint, so compute it
// when the credential is stored, store it with the ciphertext, and show
// the stored one; rotation leaves stored fingerprints as they are.
//
// # Secrets in memory
//
// Secret holds a credential in memory: fmt (every verb), encoding/json,
// encoding.TextMarshaler and log/slog all show "[redacted]", and Reveal
// is the only way to the value. Errors of this package carry key ids,
// sizes and offsets, never a credential, a key or a ciphertext.
package secrets
