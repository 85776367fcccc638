package shopify

import (
	"context"
	"encoding/json"
	"math"
	"time"
)

// queryCost is extensions.cost of an Admin API answer: what a query
// asked of the shop's bucket of points, and the bucket's state.
type queryCost struct {
	RequestedQueryCost float64         `json:"requestedQueryCost"`
	ActualQueryCost    *float64        `json:"actualQueryCost"`
	ThrottleStatus     *throttleStatus `json:"throttleStatus"`
}

// throttleStatus is the bucket: it holds at most MaximumAvailable points,
// holds CurrentlyAvailable now, and refills RestoreRate points a second.
type throttleStatus struct {
	MaximumAvailable   float64 `json:"maximumAvailable"`
	CurrentlyAvailable float64 `json:"currentlyAvailable"`
	RestoreRate        float64 `json:"restoreRate"`
}

// parseCost reads extensions.cost from an answer's extensions object;
// nil when it holds none.
func parseCost(extensions []byte) (*queryCost, error) {
	var ext struct {
		Cost *queryCost `json:"cost"`
	}
	if err := json.Unmarshal(extensions, &ext); err != nil {
		return nil, err
	}
	return ext.Cost, nil
}

// maxThrottleWait bounds any wait computed from what Shopify reports, so
// that absurd numbers cannot stall a publish (MaxWait then applies).
const maxThrottleWait = time.Hour

// isThrottled reports whether Shopify refused the query for lack of
// points (it answers 200 with errors[].extensions.code THROTTLED).
func isThrottled(errs []gqlError) bool {
	for _, e := range errs {
		if e.Extensions.Code == "THROTTLED" {
			return true
		}
	}
	return false
}

// throttleWait is how long a throttled query must wait until the bucket
// holds its cost again: the missing points over the restore rate,
// rounded up to a millisecond; one second when Shopify gave no numbers.
func throttleWait(cost *queryCost) time.Duration {
	if cost == nil || cost.ThrottleStatus == nil {
		return time.Second
	}
	st := cost.ThrottleStatus
	if !(st.RestoreRate > 0) || math.IsInf(st.RestoreRate, 0) {
		return time.Second
	}
	need := cost.RequestedQueryCost
	if st.MaximumAvailable > 0 {
		need = min(need, st.MaximumAvailable) // never wait for more than the bucket holds
	}
	return pointsWait(need-st.CurrentlyAvailable, st.RestoreRate)
}

// pointsWait is the time rate refills missing points in, at least 0.
func pointsWait(missing, rate float64) time.Duration {
	if !(missing > 0) || !(rate > 0) {
		return 0
	}
	secs := missing / rate
	if math.IsNaN(secs) || secs >= maxThrottleWait.Seconds() {
		return maxThrottleWait
	}
	return time.Duration(math.Ceil(secs*1000)) * time.Millisecond
}

// observe records the bucket's state after an answer, and what the
// operation asked for, to plan the next request.
func (c *Client) observe(opName string, cost *queryCost) {
	if cost == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cost.RequestedQueryCost > 0 && cost.RequestedQueryCost < math.MaxInt32 {
		c.costs[opName] = int(math.Ceil(cost.RequestedQueryCost))
	}
	if cost.ThrottleStatus != nil {
		c.bucket, c.bucketAt = *cost.ThrottleStatus, c.cfg.Now()
	}
}

// budgetWait is how long to wait before sending opName so that the
// bucket, as last reported and refilled since, holds what the operation
// cost last time: waiting here is cheaper than a THROTTLED answer.
func (c *Client) budgetWait(opName string) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	cost, ok := c.costs[opName]
	if !ok || c.bucketAt.IsZero() || !(c.bucket.RestoreRate > 0) {
		return 0
	}
	elapsed := max(c.cfg.Now().Sub(c.bucketAt).Seconds(), 0)
	available := c.bucket.CurrentlyAvailable + elapsed*c.bucket.RestoreRate
	if c.bucket.MaximumAvailable > 0 {
		available = min(available, c.bucket.MaximumAvailable)
	}
	need := float64(cost)
	if c.bucket.MaximumAvailable > 0 {
		need = min(need, c.bucket.MaximumAvailable)
	}
	return pointsWait(need-available, c.bucket.RestoreRate)
}

// waitForBudget waits budgetWait, or returns the error that stopped it.
func (c *Client) waitForBudget(ctx context.Context, opName string) error {
	wait := c.budgetWait(opName)
	if wait <= 0 {
		return ctx.Err()
	}
	if err := c.cfg.Sleep(ctx, min(wait, c.cfg.MaxWait)); err != nil {
		return &Error{Code: "internal", stopped: true, Message: "Waiting for the shop's API rate limit stopped: " + err.Error() + ".", Err: err}
	}
	return nil
}
