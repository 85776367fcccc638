package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// SiteCap bounds the jobs that run at once for one site, across every
// worker process: a counting semaphore in Redis, one sorted set per site
// whose members are the holders' task ids, scored by the time their lease
// ends.
//
// Why Redis and not Postgres advisory locks: a slot is held for a whole
// build (minutes), and a session advisory lock would pin one pooled
// Postgres connection per running job for that long; Redis is already what
// Asynq runs on. Leases make a dead worker's slots expire: the holder
// renews its lease while it runs, so a killed worker's slot frees itself
// after one TTL. A retried task holds the slot under the same task id, so
// a task that died holding a slot gets it back rather than waiting.
type SiteCap struct {
	rdb    redis.UniversalClient
	prefix string
	limit  int
	ttl    time.Duration
}

// NewSiteCap returns a cap of limit jobs per site, with keys under prefix
// and leases of ttl.
func NewSiteCap(rdb redis.UniversalClient, prefix string, limit int, ttl time.Duration) *SiteCap {
	return &SiteCap{rdb: rdb, prefix: prefix, limit: limit, ttl: ttl}
}

// errSiteBusy means the site already runs as many jobs as it may; the
// task is retried shortly, without counting as a failure.
var errSiteBusy = errors.New("the site already runs its maximum of jobs at once")

func isSiteBusy(err error) bool { return errors.Is(err, errSiteBusy) }

// The scripts read Redis's clock, so workers with skewed clocks agree on
// when a lease ends.
var acquireScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[3]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 1
end
return 0
`)

var renewScript = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return 1
end
return 0
`)

func (c *SiteCap) key(siteID int64) string { return fmt.Sprintf("%ssitecap:%d", c.prefix, siteID) }

// Acquire takes a slot of siteID for holder (a task id). It returns
// errSiteBusy when every slot is taken. The returned release function
// gives the slot back and stops renewing it; until then the lease is
// renewed in the background.
func (c *SiteCap) Acquire(ctx context.Context, siteID int64, holder string) (release func(), err error) {
	key := c.key(siteID)
	ok, err := acquireScript.Run(ctx, c.rdb, []string{key}, c.ttl.Milliseconds(), c.limit, holder).Int()
	if err != nil {
		return nil, fmt.Errorf("site slot: %w", err)
	}
	if ok == 0 {
		return nil, errSiteBusy
	}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(c.ttl / 3)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				// A failed renewal is retried at the next tick; the lease
				// outlives two missed ones.
				renewScript.Run(context.WithoutCancel(ctx), c.rdb, []string{key}, c.ttl.Milliseconds(), holder)
			}
		}
	}()
	return func() {
		close(done)
		<-stopped
		c.rdb.ZRem(context.WithoutCancel(ctx), key, holder)
	}, nil
}

// Holders returns the task ids holding slots of siteID now.
func (c *SiteCap) Holders(ctx context.Context, siteID int64) ([]string, error) {
	now := time.Now().UnixMilli()
	return c.rdb.ZRangeByScore(ctx, c.key(siteID), &redis.ZRangeBy{Min: fmt.Sprint(now), Max: "+inf"}).Result()
}
