package main

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/blueprints/examples"
	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/livebus"
)

// The three doors to a site, igny8 deploy, an API call and the build job,
// run the one sequence of package sites against the same stores: the same
// blueprint makes the same deploy whichever door builds it, every deploy
// and swap is in the site's history, and every change is announced to the
// edges and purged from the CDN. (The order, edges before CDN, is tested
// once, in package sites.)
func TestThreeDoorsOneSequence(t *testing.T) {
	for k, v := range map[string]string{"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_REGION": "us-east-1",
		"AWS_EC2_METADATA_DISABLED": "true", "AWS_CONFIG_FILE": os.DevNull, "AWS_SHARED_CREDENTIALS_FILE": os.DevNull} {
		t.Setenv(k, v)
	}
	stub := &cloudFrontStub{}
	cf := httptest.NewServer(stub)
	defer cf.Close()
	p := startPlatform(t, map[string]string{"IGNY8_CDN": "cloudfront", "IGNY8_CLOUDFRONT_DISTRIBUTION_ID": "EDOORS", "IGNY8_CLOUDFRONT_ENDPOINT": cf.URL})

	// The site, its assets and blueprint, made through the API.
	tok := p.account("doors")
	var site igny8.Site
	p.api.call(tok, "POST", "/v1/sites", map[string]any{"slug": "doors", "name": "Doors"}, 201, &site)
	base := fmt.Sprintf("/v1/sites/%d", site.ID)
	root, _ := fs.Sub(examples.FS(), "bakery")
	err := fs.WalkDir(root, "assets", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(root, path)
		if err == nil {
			p.api.upload(tok, base+"/assets?path="+path, data, 201)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	original, err := fs.ReadFile(root, "blueprint.json")
	if err != nil {
		t.Fatal(err)
	}
	changed := bytes.Replace(original, []byte("Wren & Rye"), []byte("Wren and Rye"), 1)
	if bytes.Equal(changed, original) {
		t.Fatal("the example no longer says Wren & Rye; change the test's edit")
	}
	// The CLI builds a blueprint file, with the asset files next to it.
	dir := t.TempDir()
	if err := os.CopyFS(dir, root); err != nil {
		t.Fatal(err)
	}
	file := func(doc []byte) string {
		if err := os.WriteFile(filepath.Join(dir, "blueprint.json"), doc, 0o644); err != nil {
			t.Fatal(err)
		}
		return filepath.Join(dir, "blueprint.json")
	}

	var mu sync.Mutex
	announced := 0
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bus, err := livebus.Open(p.vars["REDIS_URL"], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	ready := make(chan struct{}, 1)
	go bus.Subscribe(ctx, livebus.Funcs{Site: func(id string) {
		if id == site.StorageID {
			mu.Lock()
			announced++
			mu.Unlock()
		}
	}}, func() { ready <- struct{}{} })
	<-ready
	waitAnnounced := func(n int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			mu.Lock()
			got := announced
			mu.Unlock()
			if got >= n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d announcements of the site, want %d", got, n)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	cli := func(doc []byte) string {
		t.Helper()
		code, stdout, stderr := runEnv(t, p.vars, "deploy", file(doc), "--site", "doors")
		if code != exitOK || !strings.Contains(stdout, "Recorded as deploy") || strings.Contains(stderr, "warning") {
			t.Fatalf("igny8 deploy: exit %d\n%s%s", code, stdout, stderr)
		}
		return regexp.MustCompile(`Deploy (\S+):`).FindStringSubmatch(stdout)[1]
	}
	job := func(doc []byte) string {
		t.Helper()
		return p.deploy(tok, site.ID, string(doc)).DeployID
	}
	purges := func(want int) {
		t.Helper()
		if got := stub.taken(); len(got) != want {
			t.Errorf("CDN invalidations: %d, want %d: %+v", len(got), want, got)
		}
	}

	a1 := cli(original) // nothing live before: nothing to purge
	waitAnnounced(1)
	purges(0)
	p.edgeShowsNot("doors.localhost", "/", "Wren and Rye")
	b1 := job(changed)
	waitAnnounced(2)
	purges(1)
	p.edgeShows("doors.localhost", "/", 200, "Wren and Rye")
	var rb igny8.Deployment
	p.api.call(tok, "POST", base+"/rollback", map[string]any{"to": a1}, 200, &rb)
	waitAnnounced(3)
	purges(1)
	p.edgeShowsNot("doors.localhost", "/", "Wren and Rye")
	b2 := job(original) // the same files as the CLI's first: nothing changed
	waitAnnounced(4)
	purges(0)
	a2 := cli(changed)
	waitAnnounced(5)
	purges(1)

	// The same blueprint, the same deploy, whichever door built it.
	sameFiles(t, p, site.StorageID, a1, b2)
	sameFiles(t, p, site.StorageID, b1, a2)

	// Every deploy and swap is in the history, newest first.
	var hist struct{ Items []igny8.Deployment }
	p.api.call(tok, "GET", base+"/deploys", nil, 200, &hist)
	var got []string
	for _, d := range hist.Items {
		got = append(got, fmt.Sprintf("%s %s %s", d.Type, d.DeployID, d.Status))
	}
	want := []string{
		"build " + a2 + " live", "build " + b2 + " ready", "rollback " + a1 + " ready",
		"build " + b1 + " ready", "build " + a1 + " ready",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, d := range hist.Items {
		if d.Type == igny8.DeploymentBuild && (d.Files == 0 || d.PreviewURL == "") {
			t.Errorf("deploy %s recorded without its counts or preview: %+v", d.DeployID, d)
		}
	}
}

// edgeShowsNot waits until the edge answers path at host with a page
// without unwanted.
func (p *platform) edgeShowsNot(host, path, unwanted string) {
	p.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		body, got := p.edge(host, path)
		if got == 200 && !strings.Contains(body, unwanted) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("%s%s: the edge answers %d, still with %q", host, path, got, unwanted)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sameFiles fails unless deploys x and y hold the same paths with the
// same bytes.
func sameFiles(t *testing.T, p *platform, storageID, x, y string) {
	t.Helper()
	files := func(id string) map[string]string {
		m, err := p.svc.sites.Deployer().ReadManifest(context.Background(), storageID, id)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for path, f := range m.Files {
			out[path] = f.SHA256
		}
		return out
	}
	fx, fy := files(x), files(y)
	if !maps.Equal(fx, fy) {
		var diff []string
		for path, sha := range fx {
			if fy[path] != sha {
				diff = append(diff, path)
			}
		}
		for path := range fy {
			if _, ok := fx[path]; !ok {
				diff = append(diff, path)
			}
		}
		t.Errorf("deploys %s and %s of the same blueprint differ in %d files: %v", x, y, len(diff), diff)
	}
}

// upload sends a file's bytes to an asset path.
func (c *apiClient) upload(token, path string, data []byte, want int) {
	c.t.Helper()
	req, err := http.NewRequest("POST", c.base+path, bytes.NewReader(data))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", deployer.ContentType(path))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		c.t.Fatalf("POST %s: %d, want %d", path, resp.StatusCode, want)
	}
}
