package wordpress

import (
	"context"
	"time"
)

// SetSleep replaces how c waits between tries, so tests need not wait.
func SetSleep(c *Client, f func(ctx context.Context, d time.Duration) error) { c.sleep = f }
