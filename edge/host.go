package edge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/igny8/igny8/deployer"
	"github.com/igny8/igny8/storage"
)

// maxRouteBytes bounds the body of a routes object (a site id).
const maxRouteBytes = 256

// hostCache maps a host name (hostName) to its site id ("" for a host with no route)
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

// hostName is the name a Host header is routed by: deployer.HostKey
// without its prefix (lowercased, no port, no trailing dot). It allocates
// only to lowercase, so the warm path builds no key.
func hostName(host string) string {
	host = strings.ToLower(host)
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	return strings.TrimSuffix(host, ".")
}

// maxHostName is the longest DNS name (RFC 1035: 253 characters written
// out), and maxHostLabel the longest label of one.
const (
	maxHostName  = 253
	maxHostLabel = 63
)

// validHostName reports whether name (as hostName returns it) could be
// routed: a DNS name of labels of letters, digits, "-" and "_", or ""
// (no Host), or an IPv6 literal in brackets. Anything else, such as an
// overlong name, is a bad request: no route could hold it, and it must
// never become a store key.
func validHostName(name string) bool {
	if strings.HasPrefix(name, "[") && strings.HasSuffix(name, "]") {
		ip, err := netip.ParseAddr(name[1 : len(name)-1])
		return err == nil && ip.Is6()
	}
	if len(name) > maxHostName {
		return false
	}
	label := 0
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '.':
			if label == 0 {
				return false
			}
			label = 0
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
			if label++; label > maxHostLabel {
				return false
			}
		default:
			return false
		}
	}
	return name == "" || label > 0
}

// lookupHost returns the site id routed from host, or "" when none is. A
// host that is not validHostName has no route, and is never looked up.
func (s *Server) lookupHost(ctx context.Context, host string) (string, error) {
	name := hostName(host)
	if name == "" || name == s.sitesDomain || !validHostName(name) || name[0] == '[' {
		return "", nil
	}
	now := s.now()
	// Only names with a valid key are ever cached.
	cached, ok, fresh := s.hosts.get(name, now)
	if fresh {
		return cached, nil
	}
	key := deployer.HostPrefix + name
	if storage.ValidateKey(key) != nil {
		return "", nil // malformed host: never a store request
	}
	id, err := s.readRoute(ctx, key)
	if err != nil {
		if ok {
			// The store is failing: keep routing as before, retry later.
			s.metrics.storeErrors.Add(1)
			s.log.LogAttrs(ctx, slog.LevelWarn, "route host", slog.String("host", host), slog.Any("error", err))
			s.hosts.put(name, cached, now.Add(s.cfg.HostTTL))
			return cached, nil
		}
		return "", err
	}
	// An absent route is remembered only as long as a live pointer, so a
	// new site is served within PollInterval of its first deploy.
	ttl := s.cfg.HostTTL
	if id == "" {
		ttl = min(ttl, s.cfg.PollInterval)
	}
	s.hosts.put(name, id, now.Add(ttl))
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
