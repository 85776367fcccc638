package secrets

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
)

// redacted is what every printed, encoded or logged Secret shows.
const redacted = "[redacted]"

// Secret holds a credential in memory. Printing it with any fmt verb,
// encoding it to JSON or text, or logging it with slog shows
// "[redacted]"; Reveal is the only way to the value.
//
// It is a struct around a pointer rather than a string type on purpose:
// fmt prints an unexported field of a struct by reflection, without
// calling its methods, so an unexported string-typed secret would print
// in full inside a logged struct, while a pointer prints as an address.
// And a conversion such as string(s) cannot bypass Reveal.
//
// The zero Secret is empty. Secrets are immutable and cheap to copy;
// compare their Reveal values, not the Secrets (== compares pointers).
type Secret struct {
	p *string
}

// NewSecret returns a Secret holding s.
func NewSecret(s string) Secret {
	return Secret{p: &s}
}

// Reveal returns the credential itself. Call it only where the
// credential leaves the process for the service it belongs to.
func (s Secret) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether s is empty. It makes the json "omitzero" option
// leave out an empty Secret.
func (s Secret) IsZero() bool {
	return s.p == nil || *s.p == ""
}

// String returns "[redacted]".
func (s Secret) String() string { return redacted }

// GoString returns a redacted Go-syntax form, for %#v.
func (s Secret) GoString() string { return "secrets.Secret{" + redacted + "}" }

// Format writes "[redacted]" for every verb: quoted for %q, in Go syntax
// for %#v. Width and flags are ignored, so not even the length shows.
func (s Secret) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, s.GoString())
	case verb == 'q':
		fmt.Fprint(f, strconv.Quote(redacted))
	default:
		fmt.Fprint(f, redacted)
	}
}

// MarshalJSON encodes s as the string "[redacted]". An API never returns
// a credential; it returns its fingerprint (Ring.Fingerprint).
func (s Secret) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(redacted)), nil
}

// MarshalText encodes s as "[redacted]", for encoders other than JSON
// and for map keys.
func (s Secret) MarshalText() ([]byte, error) {
	return []byte(redacted), nil
}

// UnmarshalJSON decodes a JSON string (or null, the empty Secret), so a
// request body can carry a credential straight into a Secret. Note that
// MarshalJSON does not round-trip: what it writes decodes to the literal
// "[redacted]".
func (s *Secret) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*s = Secret{}
		return nil
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		// The error of json.Unmarshal may quote the input; say only what
		// was wrong with it.
		return fmt.Errorf("secrets: a credential must be a JSON string")
	}
	*s = NewSecret(v)
	return nil
}

// LogValue makes slog log "[redacted]".
func (s Secret) LogValue() slog.Value {
	return slog.StringValue(redacted)
}

var (
	_ fmt.Formatter    = Secret{}
	_ fmt.Stringer     = Secret{}
	_ fmt.GoStringer   = Secret{}
	_ json.Marshaler   = Secret{}
	_ json.Unmarshaler = (*Secret)(nil)
	_ slog.LogValuer   = Secret{}
)
