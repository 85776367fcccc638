package livebus_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/igny8/igny8/livebus"
)

// redisURL returns the test Redis, skipping without one, except under
// CI=true, where a missing service is a failure.
func redisURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("IGNY8_TEST_REDIS_URL")
	if url == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("IGNY8_TEST_REDIS_URL is not set; make test starts Redis and sets it")
		}
		t.Skip("IGNY8_TEST_REDIS_URL is not set; run make test, which starts Redis")
	}
	return url
}

func TestPublishReachesEverySubscriber(t *testing.T) {
	url := redisURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	pub, err := livebus.Open(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if err := pub.Ping(ctx); err != nil {
		t.Fatalf("redis at %s: %v", url, err)
	}
	// Two edges subscribe; both must hear the promote.
	type edge struct {
		got   chan string
		ready chan struct{}
	}
	var edges []edge
	for range 2 {
		b, err := livebus.Open(url, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer b.Close()
		e := edge{got: make(chan string, 4), ready: make(chan struct{}, 1)}
		edges = append(edges, e)
		go b.Subscribe(ctx, livebus.Funcs{Site: func(site string) { e.got <- site }}, func() { e.ready <- struct{}{} })
	}
	for _, e := range edges {
		select {
		case <-e.ready:
		case <-ctx.Done():
			t.Fatal("subscription never became ready")
		}
	}
	if err := pub.Publish(ctx, "site-42"); err != nil {
		t.Fatal(err)
	}
	for i, e := range edges {
		select {
		case site := <-e.got:
			if site != "site-42" {
				t.Errorf("edge %d heard %q, want site-42", i, site)
			}
		case <-ctx.Done():
			t.Fatalf("edge %d never heard the promote", i)
		}
	}
}

func TestSubscribeReturnsWhenCancelled(t *testing.T) {
	url := redisURL(t)
	b, err := livebus.Open(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	ready := make(chan struct{}, 1)
	go func() { done <- b.Subscribe(ctx, livebus.Funcs{}, func() { ready <- struct{}{} }) }()
	<-ready
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Subscribe after cancel = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Subscribe did not return after cancel")
	}
}

func TestOpenRejectsBadURL(t *testing.T) {
	if _, err := livebus.Open("http://not-redis", nil); err == nil {
		t.Error("Open accepted a non-redis URL")
	}
}
