package edge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

// maxRouteBytes bounds the body of a routes object (a site id).
const maxRouteBytes = 256

// hostCache maps a host key to its site id ("" for a host with no route)
// until an expiry time.
type hostCache struct {
	mu      sync.Mutex
	max     int
	entries map[string]hostEntry
}

type hostEntry struct {
	siteID  string
	expires time.Time
}

func newHostCache(max int) *hostCache {
	return &hostCache{max: max, entries: map[string]hostEntry{}}
}

// get returns the cached site id of key, whether there is one, and whether
// it is still fresh at now.
func (c *hostCache) get(key string, now time.Time) (siteID string, ok, fresh bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e.siteID, ok, ok && now.Before(e.expires)
}

func (c *hostCache) put(key, siteID string, expires time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		// Crude but bounded: a flood of random hosts cannot grow memory,
		// and real hosts are re-read within one request each.
		clear(c.entries)
	}
	c.entries[key] = hostEntry{siteID: siteID, expires: expires}
}

func (c *hostCache) delete(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, key)
}

// hostCacheKey is the routes key of a Host header.
func hostCacheKey(host string) string { return deployer.HostKey(host) }

// lookupHost returns the site id routed from host, or "" when none is.
func (s *Server) lookupHost(ctx context.Context, host string) (string, error) {
	key := hostCacheKey(host)
	if key == deployer.HostPrefix || storage.ValidateKey(key) != nil {
		return "", nil // empty or malformed host: never a store request
	}
	if d := strings.ToLower(strings.TrimSuffix(s.cfg.SitesDomain, ".")); d != "" && key == deployer.HostPrefix+d {
		return "", nil
	}
	now := s.now()
	cached, ok, fresh := s.hosts.get(key, now)
	if fresh {
		return cached, nil
	}
	id, err := s.readRoute(ctx, key)
	if err != nil {
		if ok {
			// The store is failing: keep routing as before, retry later.
			s.metrics.storeErrors.Add(1)
			s.log.LogAttrs(ctx, slog.LevelWarn, "route host", slog.String("host", host), slog.Any("error", err))
			s.hosts.put(key, cached, now.Add(s.cfg.HostTTL))
			return cached, nil
		}
		return "", err
	}
	s.hosts.put(key, id, now.Add(s.cfg.HostTTL))
	return id, nil
}

// readRoute reads one routes object; a missing one is "" (no route).
func (s *Server) readRoute(ctx context.Context, key string) (string, error) {
	rc, _, err := s.store.Get(ctx, deployer.RoutesBucket, key, storage.GetOptions{})
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrBucketNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read route %q: %w", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxRouteBytes+1))
	if err != nil {
		return "", fmt.Errorf("read route %q: %w", key, err)
	}
	id := strings.TrimSpace(string(b))
	if len(b) > maxRouteBytes || storage.ValidateBucket(storage.SiteBucket(id)) != nil {
		return "", fmt.Errorf("route %q: malformed site id %q", key, id)
	}
	return id, nil
}
