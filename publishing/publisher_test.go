package publishing_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing"
)

// memStore keeps records in memory; failNext makes the next RecordPublish
// fail, as a process that dies after the remote write would.
type memStore struct {
	mu       sync.Mutex
	records  map[[2]int64]*igny8.PublishingRecord
	failNext bool
}

func newMemStore() *memStore { return &memStore{records: map[[2]int64]*igny8.PublishingRecord{}} }

func (m *memStore) PublishingRecord(ctx context.Context, siteID, contentID, integrationID int64) (*igny8.PublishingRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := [2]int64{contentID, integrationID}
	if m.records[k] == nil {
		m.records[k] = &igny8.PublishingRecord{ID: int64(len(m.records) + 1), SiteID: siteID, ContentID: contentID, IntegrationID: integrationID, Status: igny8.PublishPending}
	}
	r := *m.records[k]
	return &r, nil
}

func (m *memStore) RecordPublish(ctx context.Context, r *igny8.PublishingRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failNext {
		m.failNext = false
		return errors.New("the database went away")
	}
	r.Attempts++
	c := *r
	m.records[[2]int64{r.ContentID, r.IntegrationID}] = &c
	return nil
}

// fakeDest makes remote objects, one per idempotency key, as an endpoint
// honouring keys does, and counts what it was asked.
type fakeDest struct {
	byKey   map[string]string
	calls   []string // key, and the remote id the record named
	objects int
	fail    error
}

func (f *fakeDest) Publish(ctx context.Context, c *igny8.Content, rec *igny8.PublishingRecord, key string) (publishing.Remote, error) {
	f.calls = append(f.calls, key+"|"+rec.RemoteID)
	if f.fail != nil {
		return publishing.Remote{}, f.fail
	}
	if f.byKey == nil {
		f.byKey = map[string]string{}
	}
	if rec.RemoteID != "" {
		return publishing.Remote{ID: rec.RemoteID, URL: "https://remote.example/" + rec.RemoteID}, nil
	}
	id, ok := f.byKey[key]
	if !ok {
		f.objects++
		id = fmt.Sprint(100 + f.objects)
		f.byKey[key] = id
	}
	return publishing.Remote{ID: id, URL: "https://remote.example/" + id}, nil
}

func piece(id int64, text string) *igny8.Content {
	return &igny8.Content{ID: id, SiteID: 1, EntityType: igny8.EntityPost, Title: "T", Slug: fmt.Sprint("p", id),
		Page: json.RawMessage(fmt.Sprintf(`{"id": "p%d", "blocks": [{"id": "s1", "props": {"markdown": %q}}]}`, id, text))}
}

var hook = &igny8.Integration{ID: 7, SiteID: 1, Platform: igny8.PlatformCustom, PlatformType: igny8.PlatformTypeCustomAPI, Name: "Hook", Active: true}

// One remote object per piece: a second publish of the same version
// writes nothing; a new version updates the object the record names; a
// crash between the remote write and the record is recovered by the
// idempotency key without a second object.
func TestPublishExactlyOnce(t *testing.T) {
	st, dest := newMemStore(), &fakeDest{}
	p := &publishing.Publisher{Store: st}
	ctx := context.Background()
	c := piece(1, "Hello.")

	rec, out, err := p.Publish(ctx, hook, dest, c)
	if err != nil || out != publishing.Created || rec.RemoteID != "101" || rec.Status != igny8.PublishPublished || rec.Attempts != 1 {
		t.Fatalf("first publish: %+v %s %v", rec, out, err)
	}
	if _, out, _ := p.Publish(ctx, hook, dest, c); out != publishing.Unchanged || len(dest.calls) != 1 {
		t.Errorf("publishing the same version again: %s, %d calls", out, len(dest.calls))
	}
	// The same page written differently is the same version.
	same := *c
	same.Page = json.RawMessage(`{"blocks":[{"props":{"markdown":"Hello."},"id":"s1"}],"id":"p1"}`)
	if _, out, _ := p.Publish(ctx, hook, dest, &same); out != publishing.Unchanged {
		t.Errorf("the same page re-encoded: %s", out)
	}
	rec, out, err = p.Publish(ctx, hook, dest, piece(1, "Hello again."))
	if err != nil || out != publishing.Updated || rec.RemoteID != "101" || !strings.HasSuffix(dest.calls[1], "|101") || dest.objects != 1 {
		t.Errorf("a new version: %+v %s %v, calls %v", rec, out, err, dest.calls)
	}

	// A crash after the remote write: the record stays as it was; the
	// redelivery sends the same key and adopts the object.
	c2 := piece(2, "Second.")
	st.failNext = true
	if _, _, err := p.Publish(ctx, hook, dest, c2); err == nil {
		t.Fatal("the record's failure was not reported")
	}
	rec, _, err = p.Publish(ctx, hook, dest, c2)
	if err != nil || rec.RemoteID != "102" || dest.objects != 2 {
		t.Errorf("redelivered after a crash: %+v %v; %d remote objects, want 2", rec, err, dest.objects)
	}
	if dest.calls[2][:strings.Index(dest.calls[2], "|")] != dest.calls[3][:strings.Index(dest.calls[3], "|")] {
		t.Errorf("the redelivery used another key: %v", dest.calls[2:])
	}
}

// A failed write is recorded, in words, and retried with the same key;
// refused combinations and inactive integrations write nothing.
func TestPublishFailuresAndRefusals(t *testing.T) {
	st, dest := newMemStore(), &fakeDest{fail: igny8.Errorf(igny8.EInvalid, "The endpoint refused the content: title too long.")}
	p := &publishing.Publisher{Store: st}
	ctx := context.Background()
	rec, _, err := p.Publish(ctx, hook, dest, piece(3, "x"))
	if err == nil || rec.Status != igny8.PublishFailed || rec.LastError != "The endpoint refused the content: title too long." || rec.Attempts != 1 {
		t.Errorf("a refused write: %+v %v", rec, err)
	}
	dest.fail = nil
	rec, out, err := p.Publish(ctx, hook, dest, piece(3, "x"))
	if err != nil || out != publishing.Created || rec.LastError != "" || rec.Attempts != 2 {
		t.Errorf("the retry: %+v %s %v", rec, out, err)
	}

	calls := len(dest.calls)
	shop := &igny8.Integration{ID: 8, Platform: igny8.PlatformShopify, PlatformType: igny8.PlatformTypeEcommerce, Name: "Shop", Active: true}
	blog := &igny8.Integration{ID: 9, Platform: igny8.PlatformWordPress, PlatformType: igny8.PlatformTypeCMS, Name: "Blog", Active: true}
	off := &igny8.Integration{ID: 10, Platform: igny8.PlatformCustom, PlatformType: igny8.PlatformTypeCustomAPI, Name: "Old hook"}
	service, product := piece(4, "s"), piece(5, "p")
	service.EntityType, product.EntityType = igny8.EntityService, igny8.EntityProduct
	for _, tt := range []struct {
		in   *igny8.Integration
		c    *igny8.Content
		want string
	}{
		{shop, service, "Shopify has no place for service pages"},
		{blog, product, "only through WooCommerce"},
		{off, piece(6, "x"), "not active"},
	} {
		if _, _, err := p.Publish(ctx, tt.in, dest, tt.c); igny8.ErrorCode(err) != igny8.EInvalid || !strings.Contains(igny8.ErrorMessage(err), tt.want) {
			t.Errorf("%s to %s: %v, want %q", tt.c.EntityType, tt.in.Name, err, tt.want)
		}
	}
	if len(dest.calls) != calls || len(st.records) != 1 {
		t.Errorf("refusals wrote: %d calls, %d records", len(dest.calls)-calls, len(st.records))
	}
	woo := *blog
	woo.PlatformType = igny8.PlatformTypeEcommerce
	if err := publishing.Supports(&woo, igny8.EntityProduct); err != nil {
		t.Errorf("a product to WooCommerce: %v", err)
	}
}
