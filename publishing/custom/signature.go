package custom

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of a delivery. Header names are case-insensitive on the
// wire; these are the spellings the documentation uses.
const (
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderEvent          = "X-IGNY8-Event"
	HeaderDelivery       = "X-IGNY8-Delivery"
	HeaderTimestamp      = "X-IGNY8-Timestamp"
	HeaderSignature      = "X-IGNY8-Signature"
)

// SignatureScheme is the scheme of the signatures IGNY8 sends today:
// "v1=<hex HMAC-SHA256 of "<timestamp>.<body>">".
const SignatureScheme = "v1"

// DefaultTolerance is how far a delivery's timestamp may be from the
// receiver's clock when Verify is given no tolerance.
const DefaultTolerance = 5 * time.Minute

// The errors Verify wraps, for errors.Is.
var (
	ErrNoTimestamp       = errors.New("custom: missing or malformed " + HeaderTimestamp + " header")
	ErrNoSignature       = errors.New("custom: no " + SignatureScheme + " signature in the " + HeaderSignature + " header")
	ErrSignatureMismatch = errors.New("custom: no " + SignatureScheme + " signature matches the body and timestamp")
	ErrStaleTimestamp    = errors.New("custom: timestamp outside the tolerance")
)

// Verify checks a delivery as its receiver sees it: header holds
// X-IGNY8-Timestamp and X-IGNY8-Signature, body is the request body's
// bytes exactly as received (before any JSON decoding). It returns nil
// when one of the v1 signatures is the HMAC-SHA256, under secret, of the
// timestamp, a '.', and body, and the timestamp is within tolerance of
// now, in either direction; a tolerance of zero or less means
// DefaultTolerance. Signatures are compared in constant time. The error
// wraps ErrNoTimestamp, ErrNoSignature, ErrSignatureMismatch or
// ErrStaleTimestamp.
//
// During a secret rotation IGNY8 sends one v1 value per secret; a
// receiver that knows several secrets calls Verify with each.
func Verify(secret []byte, header http.Header, body []byte, now time.Time, tolerance time.Duration) error {
	if len(secret) == 0 {
		return errors.New("custom: Verify needs the destination's signing secret")
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	ts := strings.TrimSpace(header.Get(HeaderTimestamp))
	unix, ok := parseTimestamp(ts)
	if !ok {
		return ErrNoTimestamp
	}
	want := sign(secret, ts, body)
	found := false
	for _, v := range header.Values(HeaderSignature) {
		for part := range strings.SplitSeq(v, ",") {
			scheme, value, _ := strings.Cut(strings.TrimSpace(part), "=")
			if scheme != SignatureScheme {
				continue // a scheme this version does not know
			}
			found = true
			got, err := hex.DecodeString(value)
			if err == nil && hmac.Equal(got, want) {
				return checkTolerance(unix, now, tolerance)
			}
		}
	}
	if !found {
		return ErrNoSignature
	}
	return ErrSignatureMismatch
}

// checkTolerance checks the signed timestamp after the signature: a
// valid signature with a stale timestamp is a replay, worth telling apart.
func checkTolerance(unix int64, now time.Time, tolerance time.Duration) error {
	skew := now.Sub(time.Unix(unix, 0))
	if skew > tolerance || skew < -tolerance {
		return fmt.Errorf("%w: the delivery was signed at %s, %s from now (tolerance %s)",
			ErrStaleTimestamp, time.Unix(unix, 0).UTC().Format(time.RFC3339), skew.Abs().Round(time.Second), tolerance)
	}
	return nil
}

// parseTimestamp reads unix seconds written as decimal digits only: no
// sign, no spaces, no fraction.
func parseTimestamp(s string) (int64, bool) {
	if s == "" || len(s) > 18 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// sign is the v1 signature: HMAC-SHA256 under secret of
// "<timestamp>.<body>", with the timestamp exactly as sent.
func sign(secret []byte, timestamp string, body []byte) []byte {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(timestamp))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return mac.Sum(nil)
}

// signatureHeader is the X-IGNY8-Signature value: one v1 value per
// secret, comma-separated, the current secret's first.
func signatureHeader(secrets [][]byte, timestamp string, body []byte) string {
	parts := make([]string, len(secrets))
	for i, s := range secrets {
		parts[i] = SignatureScheme + "=" + hex.EncodeToString(sign(s, timestamp, body))
	}
	return strings.Join(parts, ",")
}
