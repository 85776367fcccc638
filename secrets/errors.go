package secrets

import (
	"fmt"

	"github.com/igny8/igny8"
)

// No error of this package holds a plaintext, a key or a ciphertext's
// bytes: only key ids, lengths, positions and names.

// UnknownKeyError is the error for a ciphertext sealed with a key the
// ring does not hold. Its code is internal (igny8.ErrorCode): the
// operator, not the user, has to act.
type UnknownKeyError struct {
	KeyID  uint32 // the key the ciphertext names
	Source string // where the ring came from, e.g. "IGNY8_SECRETS_KEYS"
}

// Error implements error.
func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("secrets: sealed with key %d, which the key ring does not have: add it back to %s, "+
		"or re-encrypt with igny8 keys rotate before retiring a key", e.KeyID, e.Source)
}

// OpenError is the error for a ciphertext that does not open: it was
// altered, it is bound to another account or integration, or it is not a
// ciphertext of this package at all. Its code is internal.
type OpenError struct {
	KeyID   uint32 // the key the ciphertext names; 0 if it names none
	Problem string // what is wrong, for people
}

// Error implements error.
func (e *OpenError) Error() string { return "secrets: " + e.Problem }

// ConfigError is the error for a key ring configuration that cannot be
// used: it says where (Source, Entry) and why. Its chain holds an
// *igny8.Error with code EInvalid.
type ConfigError struct {
	Source  string // "IGNY8_SECRETS_KEYS", "key file /etc/igny8/keys.json", …
	Entry   string // the entry at fault, e.g. "entry 2 (key 1)"; "" for the whole source
	Problem string // what is wrong and what to do
}

// Error implements error.
func (e *ConfigError) Error() string { return "secrets: " + e.message() }

// Unwrap returns the *igny8.Error with code EInvalid.
func (e *ConfigError) Unwrap() error {
	return igny8.Errorf(igny8.EInvalid, "%s", e.message())
}

func (e *ConfigError) message() string {
	if e.Entry == "" {
		return e.Source + ": " + e.Problem
	}
	return e.Source + ", " + e.Entry + ": " + e.Problem
}
