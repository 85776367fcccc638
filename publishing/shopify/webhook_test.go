package shopify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/igny8/igny8"
)

func sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

func TestVerifyWebhook(t *testing.T) {
	t.Parallel()
	secret, body := []byte("hush"), []byte(`{"id":788032119674292922,"admin_graphql_api_id":"gid://shopify/Product/788032119674292922"}`)
	good := sign(secret, body)
	tests := []struct {
		name   string
		secret []byte
		body   []byte
		header string
		code   string
	}{
		{"Good", secret, body, good, ""},
		{"Tampered", secret, append([]byte(" "), body...), good, igny8.EUnauthorized},
		{"OtherSecret", []byte("other"), body, good, igny8.EUnauthorized},
		{"Missing", secret, body, "", igny8.EUnauthorized},
		{"NotBase64", secret, body, "!!!", igny8.EUnauthorized},
		{"Short", secret, body, base64.StdEncoding.EncodeToString([]byte("abc")), igny8.EUnauthorized},
		{"NoSecret", nil, body, good, igny8.EInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := igny8.ErrorCode(VerifyWebhook(tt.secret, tt.body, tt.header)); got != tt.code {
				t.Errorf("code: got %q, want %q", got, tt.code)
			}
		})
	}
}

func TestReadWebhook(t *testing.T) {
	t.Parallel()
	secret, body := []byte("hush"), `{"id":788032119674292922,"title":"x"}`
	r := httptest.NewRequest("POST", "/hooks/shopify", strings.NewReader(body))
	r.Header.Set(HeaderHMAC, sign(secret, []byte(body)))
	r.Header.Set(HeaderTopic, "products/update")
	r.Header.Set(HeaderShop, "acme.myshopify.com")
	w, err := ReadWebhook(r, secret)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := w.ProductID, "gid://shopify/Product/788032119674292922"; got != want {
		t.Errorf("ProductID: got %q, want %q", got, want)
	}
	if w.Topic != "products/update" || w.Shop != "acme.myshopify.com" || string(w.Body) != body {
		t.Errorf("webhook: %+v", w)
	}

	r = httptest.NewRequest("POST", "/hooks/shopify", strings.NewReader(body+" "))
	r.Header.Set(HeaderHMAC, sign(secret, []byte(body)))
	r.Header.Set(HeaderTopic, "products/update")
	if _, err := ReadWebhook(r, secret); igny8.ErrorCode(err) != igny8.EUnauthorized {
		t.Errorf("tampered body: got %v, want unauthorized", err)
	}
}

// FuzzVerifyWebhook: any input is either accepted with the right
// signature or refused, never a panic; a valid signature of the body
// always verifies.
func FuzzVerifyWebhook(f *testing.F) {
	f.Add([]byte("hush"), []byte(`{"id":1}`), "")
	f.Add([]byte("k"), []byte(""), "AAAA")
	f.Fuzz(func(t *testing.T, secret, body []byte, header string) {
		_ = VerifyWebhook(secret, body, header)
		if len(secret) > 0 {
			if err := VerifyWebhook(secret, body, sign(secret, body)); err != nil {
				t.Fatalf("a valid signature was refused: %v", err)
			}
		}
	})
}
