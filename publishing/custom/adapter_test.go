package custom_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing"
	"github.com/igny8/igny8/publishing/custom"
)

// receiver is a customer's endpoint done right: it verifies the
// signature, keeps one object per idempotency key, and answers with the
// object's id and URL.
type receiver struct {
	mu      sync.Mutex
	byKey   map[string]string
	objects map[string]custom.Payload
	crash   bool // answer 503 after storing, once
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if err := custom.Verify([]byte(secret), r.Header, body, time.Now(), 0); err != nil {
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var p custom.Payload
	if err := json.Unmarshal(body, &p); err != nil || p.Event != r.Header.Get("X-IGNY8-Event") {
		http.Error(w, "bad payload", 400)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	key := r.Header.Get("Idempotency-Key")
	id, ok := rc.byKey[key]
	if !ok {
		id = p.RemoteID
		if id == "" {
			id = fmt.Sprint(len(rc.objects) + 1)
		}
		rc.byKey[key] = id
		rc.objects[id] = p
	}
	if rc.crash {
		rc.crash = false
		w.WriteHeader(503)
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"id": id, "url": "https://cms.example/" + id})
}

// records keeps publishing records in memory.
type records struct {
	mu sync.Mutex
	m  map[int64]*igny8.PublishingRecord
}

func (s *records) PublishingRecord(ctx context.Context, siteID, contentID, integrationID int64) (*igny8.PublishingRecord, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[contentID] == nil {
		s.m[contentID] = &igny8.PublishingRecord{ID: contentID, ContentID: contentID, IntegrationID: integrationID, Status: igny8.PublishPending}
	}
	r := *s.m[contentID]
	return &r, nil
}

func (s *records) RecordPublish(ctx context.Context, r *igny8.PublishingRecord) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := *r
	s.m[r.ContentID] = &c
	return nil
}

// The publisher and the adapter against a real endpoint: each piece is
// one remote object, through retries and republishing; a new version is
// an update of the same object.
func TestAdapterPublishesOnce(t *testing.T) {
	rc := &receiver{byKey: map[string]string{}, objects: map[string]custom.Payload{}, crash: true}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	dest, err := custom.New(srv.URL, custom.Config{Client: srv.Client(), Sleep: func(ctx context.Context, d time.Duration) error { return ctx.Err() }}, []byte(secret))
	if err != nil {
		t.Fatal(err)
	}
	st := &records{m: map[int64]*igny8.PublishingRecord{}}
	pub := &publishing.Publisher{Store: st}
	in := &igny8.Integration{ID: 3, Platform: igny8.PlatformCustom, PlatformType: igny8.PlatformTypeCustomAPI, Name: "CMS", Active: true}
	ad := &custom.Adapter{Dest: dest}
	content := func(id int64, title string) *igny8.Content {
		return &igny8.Content{ID: id, SiteID: 1, EntityType: igny8.EntityPost, Title: title, Slug: fmt.Sprint("post-", id),
			Page: json.RawMessage(`{"id": "x", "blocks": []}`)}
	}
	for round := range 2 {
		for id := int64(1); id <= 3; id++ {
			rec, _, err := pub.Publish(context.Background(), in, ad, content(id, "First"))
			if err != nil || rec.RemoteID == "" || rec.RemoteURL == "" {
				t.Fatalf("round %d, piece %d: %+v %v", round, id, rec, err)
			}
		}
	}
	if len(rc.objects) != 3 {
		t.Fatalf("%d remote objects after publishing 3 pieces twice (one answer lost), want 3", len(rc.objects))
	}
	rec, out, err := pub.Publish(context.Background(), in, ad, content(2, "Second"))
	if err != nil || out != publishing.Updated || rc.objects[rec.RemoteID].Event != custom.EventUpdated || rc.objects[rec.RemoteID].Content.Title != "Second" || len(rc.objects) != 3 {
		t.Errorf("a new version: %+v %s %v; objects %d", rec, out, err, len(rc.objects))
	}

	// A permanent refusal is recorded in words.
	bad, _ := custom.New(srv.URL, custom.Config{Client: srv.Client()}, []byte("another secret"))
	rec, _, err = pub.Publish(context.Background(), in, &custom.Adapter{Dest: bad}, content(4, "Fourth"))
	var de *custom.DeliveryError
	if !errors.As(err, &de) || !de.Permanent || rec.Status != igny8.PublishFailed || rec.LastError == "" {
		t.Errorf("a refused signature: %+v %v", rec, err)
	}
}
