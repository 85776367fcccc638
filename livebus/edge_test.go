package livebus_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/edge"
	"github.com/igny8/igny8/livebus"
	"github.com/igny8/igny8/storage"
	"github.com/igny8/igny8/storage/storagetest"
)

// TestPromoteReachesEdgeAtOnce: the edge polls only every hour here, so
// only the bus can make it serve a new deploy within the test.
func TestPromoteReachesEdgeAtOnce(t *testing.T) {
	url := redisURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	store := storagetest.NewMemory()
	d := deployer.New(store, deployer.Config{})
	deploy := func(body string) string {
		m, _, err := d.Deploy(ctx, "bus", []deployer.File{{Path: "index.html", Data: []byte(body)}}, deployer.DeployOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return m.DeployID
	}
	first := deploy("first")
	if _, err := d.Promote(ctx, "bus", first, ""); err != nil {
		t.Fatal(err)
	}
	if err := store.CreateBucket(ctx, deployer.RoutesBucket); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(ctx, deployer.RoutesBucket, deployer.HostKey("bus.localhost"), strings.NewReader("bus"), 3, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	srv := edge.New(edge.Config{Store: store, SitesDomain: "localhost", PollInterval: time.Hour})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	live := func() string {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/", nil)
		req.Host = "bus.localhost"
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header.Get("X-Deploy-Id")
	}
	if got := live(); got != first {
		t.Fatalf("X-Deploy-Id = %q, want %s", got, first)
	}

	sub, err := livebus.Open(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Close()
	ready := make(chan struct{}, 1)
	go sub.Subscribe(ctx, srv, func() { ready <- struct{}{} })
	<-ready

	second := deploy("second")
	if _, err := d.Promote(ctx, "bus", second, first); err != nil {
		t.Fatal(err)
	}
	pub, err := livebus.Open(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pub.Close()
	if err := pub.Publish(ctx, "bus"); err != nil {
		t.Fatal(err)
	}
	for live() != second {
		if ctx.Err() != nil {
			t.Fatal("the edge never served the promoted deploy; the bus message did not reach it")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
