package api

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisLimiter allows Limit requests per key in each Window, counted in
// Redis so every API replica shares the budget. It is a fixed window: a
// client may burst up to twice the limit across a window boundary, which
// is acceptable for abuse protection and costs one round trip.
type RedisLimiter struct {
	Client redis.UniversalClient
	Limit  int
	Window time.Duration
	Prefix string // key prefix, default "igny8:rl:"
}

// incr counts one request and returns the count and the window's
// remaining time in milliseconds.
var incr = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
`)

// Allow implements Limiter.
func (l *RedisLimiter) Allow(ctx context.Context, key string) (bool, time.Duration, error) {
	prefix := l.Prefix
	if prefix == "" {
		prefix = "igny8:rl:"
	}
	res, err := incr.Run(ctx, l.Client, []string{prefix + key}, l.Window.Milliseconds()).Int64Slice()
	if err != nil {
		return false, 0, err
	}
	if res[0] > int64(l.Limit) {
		return false, time.Duration(res[1]) * time.Millisecond, nil
	}
	return true, 0, nil
}
