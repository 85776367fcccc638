package custom_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8/publishing/custom"
)

// The test vector of the package documentation, computed independently
// (openssl dgst -sha256 -hmac).
const (
	vectorSecret    = "whsec_test_secret"
	vectorTimestamp = "1700000000"
	vectorBody      = `{"event":"content.published","id":"c_1"}`
	vectorSignature = "v1=4c8aafecbb5737af49f43fa242d4b40888a11212000313b9b28f864f1807ef56"
)

func vectorHeader(timestamp, signature string) http.Header {
	h := http.Header{}
	if timestamp != "" {
		h.Set(custom.HeaderTimestamp, timestamp)
	}
	if signature != "" {
		h.Set(custom.HeaderSignature, signature)
	}
	return h
}

func TestVerify(t *testing.T) {
	t.Parallel()
	signedAt := time.Unix(1700000000, 0)
	other := "v1=" + strings.Repeat("ab", 32)
	cases := []struct {
		name      string
		secret    string
		header    http.Header
		body      string
		now       time.Time
		tolerance time.Duration
		want      error // nil, or the sentinel wrapped
	}{
		{"valid", vectorSecret, vectorHeader(vectorTimestamp, vectorSignature), vectorBody, signedAt, 0, nil},
		{"valid at the tolerance's edge", vectorSecret, vectorHeader(vectorTimestamp, vectorSignature), vectorBody, signedAt.Add(5 * time.Minute), 0, nil},
		{"valid from the future within tolerance", vectorSecret, vectorHeader(vectorTimestamp, vectorSignature), vectorBody, signedAt.Add(-4 * time.Minute), 0, nil},
		{"rotation: one of several matches", vectorSecret, vectorHeader(vectorTimestamp, other+", "+vectorSignature), vectorBody, signedAt, 0, nil},
		{"unknown schemes ignored", vectorSecret, vectorHeader(vectorTimestamp, "v0=zz,v2=abc,"+vectorSignature), vectorBody, signedAt, 0, nil},
		{"signature in a second header line", vectorSecret, http.Header{"X-Igny8-Timestamp": {vectorTimestamp}, "X-Igny8-Signature": {other, vectorSignature}}, vectorBody, signedAt, 0, nil},
		{"wrong secret", "whsec_other", vectorHeader(vectorTimestamp, vectorSignature), vectorBody, signedAt, 0, custom.ErrSignatureMismatch},
		{"modified body", vectorSecret, vectorHeader(vectorTimestamp, vectorSignature), `{"event":"content.deleted","id":"c_1"}`, signedAt, 0, custom.ErrSignatureMismatch},
		{"re-encoded body", vectorSecret, vectorHeader(vectorTimestamp, vectorSignature), `{"event": "content.published", "id": "c_1"}`, signedAt, 0, custom.ErrSignatureMismatch},
		{"modified timestamp", vectorSecret, vectorHeader("1700000001", vectorSignature), vectorBody, signedAt, 0, custom.ErrSignatureMismatch},
		{"upper-case hex", vectorSecret, vectorHeader(vectorTimestamp, "v1="+strings.ToUpper(vectorSignature[3:])), vectorBody, signedAt, 0, nil},
		{"upper-case scheme", vectorSecret, vectorHeader(vectorTimestamp, strings.ToUpper(vectorSignature)), vectorBody, signedAt, 0, custom.ErrNoSignature},
		{"malformed hex", vectorSecret, vectorHeader(vectorTimestamp, "v1=xyz"), vectorBody, signedAt, 0, custom.ErrSignatureMismatch},
		{"truncated signature", vectorSecret, vectorHeader(vectorTimestamp, vectorSignature[:40]), vectorBody, signedAt, 0, custom.ErrSignatureMismatch},
		{"stale", vectorSecret, vectorHeader(vectorTimestamp, vectorSignature), vectorBody, signedAt.Add(5*time.Minute + time.Second), 0, custom.ErrStaleTimestamp},
		{"too far in the future", vectorSecret, vectorHeader(vectorTimestamp, vectorSignature), vectorBody, signedAt.Add(-6 * time.Minute), 0, custom.ErrStaleTimestamp},
		{"stale by a custom tolerance", vectorSecret, vectorHeader(vectorTimestamp, vectorSignature), vectorBody, signedAt.Add(31 * time.Second), 30 * time.Second, custom.ErrStaleTimestamp},
		{"no timestamp", vectorSecret, vectorHeader("", vectorSignature), vectorBody, signedAt, 0, custom.ErrNoTimestamp},
		{"signed timestamp", vectorSecret, vectorHeader("+1700000000", vectorSignature), vectorBody, signedAt, 0, custom.ErrNoTimestamp},
		{"fractional timestamp", vectorSecret, vectorHeader("1700000000.0", vectorSignature), vectorBody, signedAt, 0, custom.ErrNoTimestamp},
		{"no signature", vectorSecret, vectorHeader(vectorTimestamp, ""), vectorBody, signedAt, 0, custom.ErrNoSignature},
		{"only other schemes", vectorSecret, vectorHeader(vectorTimestamp, "v0="+vectorSignature[3:]), vectorBody, signedAt, 0, custom.ErrNoSignature},
	}
	for _, c := range cases {
		err := custom.Verify([]byte(c.secret), c.header, []byte(c.body), c.now, c.tolerance)
		switch {
		case c.want == nil && err != nil:
			t.Errorf("%s: %v, want nil", c.name, err)
		case c.want != nil && !errors.Is(err, c.want):
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	if err := custom.Verify(nil, vectorHeader(vectorTimestamp, vectorSignature), []byte(vectorBody), signedAt, 0); err == nil {
		t.Error("Verify with no secret: nil, want an error")
	}
}

// What Publish sends verifies under the secret and nothing else, and
// goes stale after the tolerance.
func TestVerifyPublished(t *testing.T) {
	t.Parallel()
	var got request
	b := setup(t, func(w http.ResponseWriter, r *http.Request, n int) {}, custom.Config{})
	if _, err := b.dest.Publish(t.Context(), delivery()); err != nil {
		t.Fatal(err)
	}
	got = b.requests()[0]
	if err := custom.Verify([]byte(secret), got.header, got.body, t0, 0); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if err := custom.Verify([]byte(secret+"x"), got.header, got.body, t0, 0); !errors.Is(err, custom.ErrSignatureMismatch) {
		t.Errorf("wrong secret: %v, want ErrSignatureMismatch", err)
	}
	if err := custom.Verify([]byte(secret), got.header, got.body, t0.Add(10*time.Minute), 0); !errors.Is(err, custom.ErrStaleTimestamp) {
		t.Errorf("ten minutes later: %v, want ErrStaleTimestamp", err)
	}
	changed := append([]byte(nil), got.body...)
	changed[len(changed)-2] = 'X'
	if err := custom.Verify([]byte(secret), got.header, changed, t0, 0); !errors.Is(err, custom.ErrSignatureMismatch) {
		t.Errorf("modified body: %v, want ErrSignatureMismatch", err)
	}
}
