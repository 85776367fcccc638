// Package livebus tells every edge at once that a site's live deploy
// changed, over Redis pub/sub. It is an optimisation: edges also poll each
// site's live pointer (every 2 s at most), so a lost message, a Redis
// outage or no Redis at all only delays a promote until the next poll.
package livebus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
)

// Channel is the Redis channel promotes are announced on; a message is the
// site's storage id.
const Channel = "igny8:live"

// HostChannel is the Redis channel route changes are announced on; a
// message is the host name whose route changed.
const HostChannel = "igny8:hosts"

// Listener hears announcements: a site's live deploy changed, or a host's
// route did. *edge.Server is one.
type Listener interface {
	Invalidate(siteID string)
	InvalidateHost(host string)
}

// Funcs is a Listener made of two functions; either may be nil.
type Funcs struct {
	Site func(siteID string)
	Host func(host string)
}

// Invalidate implements Listener.
func (f Funcs) Invalidate(siteID string) {
	if f.Site != nil {
		f.Site(siteID)
	}
}

// InvalidateHost implements Listener.
func (f Funcs) InvalidateHost(host string) {
	if f.Host != nil {
		f.Host(host)
	}
}

// Bus publishes and receives live-deploy changes.
type Bus struct {
	rdb    *redis.Client
	logger *slog.Logger
}

// Open connects to the Redis at url (redis://… or rediss://…). It makes no
// request; use Ping to check the connection.
func Open(url string, logger *slog.Logger) (*Bus, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Bus{rdb: redis.NewClient(opts), logger: logger}, nil
}

// Ping checks that Redis answers.
func (b *Bus) Ping(ctx context.Context) error {
	return b.rdb.Ping(ctx).Err()
}

// Close closes the connections.
func (b *Bus) Close() error { return b.rdb.Close() }

// Publish announces that siteID's live deploy changed.
func (b *Bus) Publish(ctx context.Context, siteID string) error {
	if err := b.rdb.Publish(ctx, Channel, siteID).Err(); err != nil {
		return fmt.Errorf("publish live change of %s: %w", siteID, err)
	}
	return nil
}

// PublishHost announces that host's route changed (a domain was removed,
// moved or verified, or a site deleted).
func (b *Bus) PublishHost(ctx context.Context, host string) error {
	if err := b.rdb.Publish(ctx, HostChannel, host).Err(); err != nil {
		return fmt.Errorf("publish route change of %s: %w", host, err)
	}
	return nil
}

// Subscribe tells l of every announcement until ctx ends, reconnecting
// after a Redis outage. ready, if not nil, is called each time the
// subscription is (re)established. Subscribe returns nil when ctx ends.
func (b *Bus) Subscribe(ctx context.Context, l Listener, ready func()) error {
	ps := b.rdb.Subscribe(ctx, Channel, HostChannel)
	defer ps.Close()
	// The channel reconnects by itself and reports each new subscription.
	ch := ps.ChannelWithSubscriptions(redis.WithChannelHealthCheckInterval(10 * time.Second))
	for {
		select {
		case <-ctx.Done():
			return nil
		case msg, ok := <-ch:
			if !ok {
				if ctx.Err() != nil {
					return nil
				}
				return errors.New("live bus subscription closed")
			}
			switch m := msg.(type) {
			case *redis.Subscription:
				// One confirmation per channel; the last one means both
				// are subscribed.
				if m.Kind == "subscribe" && m.Count == 2 && ready != nil {
					ready()
				}
			case *redis.Message:
				if m.Channel == HostChannel {
					l.InvalidateHost(m.Payload)
				} else {
					l.Invalidate(m.Payload)
				}
			}
		}
	}
}
