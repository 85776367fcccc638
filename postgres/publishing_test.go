package postgres_test

import (
	"testing"

	"github.com/igny8/igny8"
)

// A piece has one record per destination: found (or made pending) before
// any write, updated by each attempt; another account sees none of it.
func TestPublishingRecords(t *testing.T) {
	p := newPipe(t)
	c := p.content(t, "pub", "starter-guide")
	in := &igny8.Integration{SiteID: p.site.ID, Platform: igny8.PlatformCustom, PlatformType: igny8.PlatformTypeCustomAPI,
		Name: "Hook", URL: "https://hooks.example/in", Active: true}
	if err := p.db.CreateIntegration(p.alpha, in, nil); err != nil {
		t.Fatal(err)
	}
	r, err := p.db.PublishingRecord(p.alpha, p.site.ID, c.ID, in.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != igny8.PublishPending || r.Attempts != 0 || r.PublishedAt != nil {
		t.Fatalf("a new record: %+v", r)
	}
	again, err := p.db.PublishingRecord(p.alpha, p.site.ID, c.ID, in.ID)
	if err != nil || again.ID != r.ID {
		t.Fatalf("the record found again is %+v (%v), want %d", again, err, r.ID)
	}

	r.Status, r.LastError = igny8.PublishFailed, "The endpoint answered 503."
	if err := p.db.RecordPublish(p.alpha, r); err != nil {
		t.Fatal(err)
	}
	r.Status, r.RemoteID, r.RemoteURL, r.ContentHash, r.LastError = igny8.PublishPublished, "42", "https://example.org/42", "sha256:ab", ""
	if err := p.db.RecordPublish(p.alpha, r); err != nil {
		t.Fatal(err)
	}
	if r.Attempts != 2 || r.PublishedAt == nil || r.RemoteID != "42" || r.LastError != "" {
		t.Errorf("after a failure and a success: %+v", r)
	}
	list, err := p.db.PublishingRecords(p.alpha, p.site.ID, &c.ID)
	if err != nil || len(list) != 1 || list[0].RemoteURL != r.RemoteURL {
		t.Errorf("records %+v, %v", list, err)
	}

	_, err = p.db.PublishingRecord(p.beta, p.site.ID, c.ID, in.ID)
	wantCode(t, "another account's record", err, igny8.ENotFound)
	wantCode(t, "recording on another account's record", p.db.RecordPublish(p.beta, r), igny8.ENotFound)
	_, err = p.db.PublishingRecord(p.alpha, p.site.ID, c.ID, in.ID+1000)
	wantCode(t, "a record on an unknown integration", err, igny8.ENotFound)

	// Disconnecting the destination deletes its records.
	if err := p.db.DeleteIntegration(p.alpha, p.site.ID, in.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := p.db.PublishingRecords(p.alpha, p.site.ID, nil); len(list) != 0 {
		t.Errorf("records outlived their integration: %+v", list)
	}
}
