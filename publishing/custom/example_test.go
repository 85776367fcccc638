package custom_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/igny8/igny8/publishing/custom"
)

// A minimal receiver: read the raw body, verify it, make a repeated
// Idempotency-Key a no-op, and answer with the id and URL of what it
// created.
func ExampleVerify() {
	signingSecret := []byte("whsec_shown_in_igny8")

	var mu sync.Mutex
	created := map[string]string{} // Idempotency-Key → post id; a database table in real life
	receiver := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
		if err != nil {
			http.Error(w, "cannot read the body", http.StatusBadRequest)
			return
		}
		if err := custom.Verify(signingSecret, r.Header, body, time.Now(), custom.DefaultTolerance); err != nil {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var content struct {
			Title string `json:"title"`
		}
		if err := json.Unmarshal(body, &content); err != nil || content.Title == "" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnprocessableEntity)
			json.NewEncoder(w).Encode(map[string]string{"error": "a title is required"})
			return
		}
		mu.Lock()
		key := r.Header.Get(custom.HeaderIdempotencyKey)
		id, seen := created[key]
		if !seen {
			id = fmt.Sprint(len(created) + 1) // create the post here
			created[key] = id
		}
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"id": id, "url": "https://blog.example.com/posts/" + id})
	})
	srv := httptest.NewServer(receiver)
	defer srv.Close()

	// IGNY8's side, with a client that may reach the test server.
	dest, err := custom.New(srv.URL, custom.Config{Client: srv.Client()}, signingSecret)
	if err != nil {
		log.Fatal(err)
	}
	dl := custom.Delivery{
		IdempotencyKey: "cp_812_dst_9_3f5a0c",
		Event:          custom.EventPublished,
		Body:           json.RawMessage(`{"event":"content.published","title":"Hello"}`),
	}
	for range 2 { // a redelivery creates nothing new
		res, err := dest.Publish(context.Background(), dl)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(res.Status, res.RemoteID, res.RemoteURL)
	}
	dl.IdempotencyKey, dl.Body = "cp_813_dst_9_77aa01", json.RawMessage(`{"event":"content.published"}`)
	_, err = dest.Publish(context.Background(), dl)
	var de *custom.DeliveryError
	if errors.As(err, &de) {
		fmt.Println(de.Status, de.Permanent, de.Message)
	}
	// Output:
	// 200 1 https://blog.example.com/posts/1
	// 200 1 https://blog.example.com/posts/1
	// 422 true a title is required
}

// Production wiring: NewClient's SSRF-safe client is the default.
func ExampleNew() {
	secret := []byte("whsec_from_the_secrets_store")
	dest, err := custom.New("https://hooks.example.com/igny8", custom.Config{}, secret)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dest)
	// Output: custom API destination https://hooks.example.com/
}
