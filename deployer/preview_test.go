package deployer_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/deployer"
)

const testID = "20261124T192501Z-3f9a1c07"

func TestPreviewHost(t *testing.T) {
	t.Parallel()
	if got, want := deployer.PreviewHost(testID, "acme", "sites.igny8.com"), "20261124t192501z-3f9a1c07--acme.sites.igny8.com"; got != want {
		t.Errorf("PreviewHost = %q, want %q", got, want)
	}
	tests := []struct {
		host     string
		id, slug string
		ok       bool
	}{
		{"20261124t192501z-3f9a1c07--acme.sites.igny8.com", testID, "acme", true},
		{"20261124T192501Z-3F9A1C07--Acme.Sites.IGNY8.com:8443", testID, "acme", true}, // hosts ignore case
		{"20261124T192501Z-3f9a1c07--Acme.Sites.IGNY8.com.:8443", testID, "acme", true},
		{"20261124t192501z-3f9a1c07--my-shop.localhost", "", "", false}, // other domain
		{"20261124t192501z-3f9a1c07--acme.sites.igny8.com.evil.com", "", "", false},
		{"x.20261124t192501z-3f9a1c07--acme.sites.igny8.com", "", "", false},
		{"acme.sites.igny8.com", "", "", false},
		{"nope--acme.sites.igny8.com", "", "", false},
		{"20261124t192501z-3f9a1c07--.sites.igny8.com", "", "", false},
		{"20261124t192501z-3f9a1c07--a--b.sites.igny8.com", testID, "a--b", true},
	}
	for _, tt := range tests {
		id, slug, ok := deployer.ParsePreviewHost(tt.host, "sites.igny8.com")
		if id != tt.id || slug != tt.slug || ok != tt.ok {
			t.Errorf("ParsePreviewHost(%q) = %q, %q, %v, want %q, %q, %v", tt.host, id, slug, ok, tt.id, tt.slug, tt.ok)
		}
	}
	id, slug, ok := deployer.ParsePreviewHost(deployer.PreviewHost(testID, "my-shop", "localhost"), "localhost")
	if id != testID || slug != "my-shop" || !ok {
		t.Errorf("round trip = %q, %q, %v", id, slug, ok)
	}
}

func TestParseDeployID(t *testing.T) {
	t.Parallel()
	id, at, err := deployer.ParseDeployID(strings.ToLower(testID))
	if err != nil || id != testID || !at.Equal(time.Date(2026, 11, 24, 19, 25, 1, 0, time.UTC)) {
		t.Errorf("ParseDeployID = %q, %v, %v", id, at, err)
	}
	for _, bad := range []string{"", "x", "20261124T192501Z-3f9a1c0", "20261124T192501Z_3f9a1c07", "20261324T192501Z-3f9a1c07", "20261124T192501Z-3f9a1c0g", "../../refs/live00000"} {
		if _, _, err := deployer.ParseDeployID(bad); igny8.ErrorCode(err) != igny8.EInvalid {
			t.Errorf("ParseDeployID(%q): error %v, want invalid", bad, err)
		}
	}
}

// TestDeployIDsSort checks that ids sort by time and never contain "--".
func TestDeployIDsSort(t *testing.T) {
	t.Parallel()
	tb := setup(t, newMemory())
	var prev string
	for range 3 {
		m, _ := mustDeploy(t, tb.d, tb.site, map[string]string{"a": "a"}, deployer.DeployOptions{})
		if m.DeployID <= prev || strings.Contains(m.DeployID, "--") {
			t.Errorf("id %q after %q", m.DeployID, prev)
		}
		prev = m.DeployID
		tb.clock.Add(time.Second)
	}
}

func TestCheckPreviewAccess(t *testing.T) {
	t.Parallel()
	tb := setup(t, newMemory())
	now := tb.clock.Now()
	m, _ := mustDeploy(t, tb.d, tb.site, map[string]string{"a": "a"}, deployer.DeployOptions{
		Preview: &deployer.PreviewOptions{ExpiresAt: now.Add(time.Hour), Password: "s3cret"},
	})
	if strings.Contains(m.Preview.PasswordHash, "s3cret") || m.Preview.PasswordHash == "" {
		t.Fatalf("PasswordHash = %q, want a bcrypt hash", m.Preview.PasswordHash)
	}
	stored, err := tb.d.ReadManifest(t.Context(), tb.site, m.DeployID)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		m        *deployer.Manifest
		now      time.Time
		password string
		want     error
	}{
		{stored, now, "s3cret", nil},
		{stored, now, "wrong", deployer.ErrPreviewPassword},
		{stored, now, "", deployer.ErrPreviewPassword},
		{stored, now.Add(time.Hour), "s3cret", deployer.ErrPreviewExpired},
		{&deployer.Manifest{}, now, "", nil},
		{&deployer.Manifest{Preview: &deployer.Preview{}}, now.Add(1000 * time.Hour), "", nil},
	}
	for i, tt := range tests {
		if err := deployer.CheckPreviewAccess(tt.m, tt.now, tt.password); !errors.Is(err, tt.want) {
			t.Errorf("%d: CheckPreviewAccess = %v, want %v", i, err, tt.want)
		}
	}
	_, _, err = tb.d.Deploy(t.Context(), tb.site, toFiles(map[string]string{"a": "a"}), deployer.DeployOptions{
		Preview: &deployer.PreviewOptions{Password: strings.Repeat("x", 73)},
	})
	if igny8.ErrorCode(err) != igny8.EInvalid {
		t.Errorf("73-byte password: error %v, want invalid", err)
	}
}
