package credits

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/safehttp"
)

// NewWebhookClient returns the HTTP client for webhook URLs: safehttp's,
// which reaches only public addresses (checked at dial time, after DNS
// resolution), with timeout for the whole request and its headers. It
// follows no redirects: a webhook that moved answers 3xx, which counts as
// not delivered.
func NewWebhookClient(timeout time.Duration) *http.Client {
	return safehttp.NewClient(safehttp.Config{Timeout: timeout, ResponseHeaderTimeout: timeout, MaxRedirects: -1})
}

// Notifier POSTs low-credit events to webhooks.
type Notifier struct {
	// Client sends the requests: NewWebhookClient in production.
	Client *http.Client
}

// Send POSTs ev to url as an igny8.LowCreditsPayload and wants a 2xx.
func (n *Notifier) Send(ctx context.Context, url string, ev igny8.CreditEvent) error {
	body, err := json.Marshal(igny8.LowCreditsPayload{Event: "credits.low", AccountID: ev.AccountID, Period: ev.Period,
		Available: ev.Available, Threshold: ev.Threshold, CreatedAt: ev.CreatedAt})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "igny8-webhook/1")
	req.Header.Set("X-Igny8-Event", "credits.low")
	resp, err := n.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}
