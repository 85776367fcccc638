package igny8

import (
	"fmt"
	"time"
)

// Operation is a kind of AI work that costs credits (see package credits
// for the price of each).
type Operation string

// Operations.
const (
	OpClustering     Operation = "clustering"
	OpIdeaGeneration Operation = "idea_generation"
	OpContent        Operation = "content"
	OpImage          Operation = "image"
	OpImagePrompts   Operation = "image_prompts"
	OpLinking        Operation = "linking"
	OpOptimization   Operation = "optimization"
	OpSiteStructure  Operation = "site_structure"
	OpSitePage       Operation = "site_page"
)

// Hold states.
const (
	HoldHeld     = "held"
	HoldCaptured = "captured"
	HoldReleased = "released"
	HoldExpired  = "expired"
)

// Credit transaction kinds.
const (
	CreditGrant     = "grant"
	CreditReplenish = "replenish"
	CreditTopUp     = "topup"
	CreditUsage     = "usage"
	CreditRefund    = "refund"
	CreditAdjust    = "adjust"
	CreditExpire    = "expire"
)

// EInsufficientCredits is the code of an operation refused for lack of
// credits (HTTP 402).
const EInsufficientCredits = "insufficient_credits"

// InsufficientCreditsError says an operation needs more credits than the
// account has available. Its chain holds an *Error with code
// EInsufficientCredits, so ErrorCode and ErrorMessage work on it.
type InsufficientCreditsError struct {
	Needed    int64
	Available int64
}

// Error implements error.
func (e *InsufficientCreditsError) Error() string { return e.Unwrap().Error() }

// Unwrap returns the user-facing *Error.
func (e *InsufficientCreditsError) Unwrap() error {
	return Errorf(EInsufficientCredits, "This operation needs %d credits; %d are available.", e.Needed, e.Available)
}

// HoldRequest asks to reserve credits for one logical operation, named by
// Key: a retry of the same operation uses the same key and gets the same
// hold, so it is never charged twice.
type HoldRequest struct {
	Key       string
	Operation Operation
	Credits   int64         // the estimate
	TTL       time.Duration // how long a crashed job's hold lives; 0 = the store's default
	SiteID    int64         // 0 = none
	UserID    int64         // 0 = none
}

// Reservation is the answer to a HoldRequest.
type Reservation struct {
	HoldID int64 `json:"hold_id"`
	// State is held, or captured when the key's operation was already
	// charged (a retry after a successful capture).
	State    string `json:"state"`
	Reused   bool   `json:"reused"` // the key had a hold already
	Amount   int64  `json:"amount"`
	Captured int64  `json:"captured"`
	Balance  int64  `json:"balance"`
	Reserved int64  `json:"reserved"`
}

// UsageDetail describes what a capture paid for, for the usage log.
type UsageDetail struct {
	ObjectType string         `json:"object_type,omitempty"`
	ObjectID   string         `json:"object_id,omitempty"`
	Metadata   map[string]any `json:"metadata,omitempty"` // words, images, provider, model…
}

// Capture is the result of charging a hold.
type Capture struct {
	HoldID   int64 `json:"hold_id"`
	Charged  int64 `json:"charged"`
	Returned int64 `json:"returned"` // held beyond the charge, given back
	Already  bool  `json:"already"`  // charged before; nothing changed now
	Balance  int64 `json:"balance"`
	Reserved int64 `json:"reserved"`
	// LowCredits is set when this capture raised the period's low-credit
	// event.
	LowCredits bool `json:"low_credits"`
}

// CreditPeriod is a replenishment period: a UTC calendar month.
type CreditPeriod struct {
	Key   string    `json:"key"` // YYYY-MM
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// PeriodOf returns the period t falls in.
func PeriodOf(t time.Time) CreditPeriod {
	t = t.UTC()
	start := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	return CreditPeriod{Key: fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month())), Start: start, End: start.AddDate(0, 1, 0)}
}

// CreditSummary is an account's credit state.
type CreditSummary struct {
	Balance    int64        `json:"balance"`
	Reserved   int64        `json:"reserved"`
	Available  int64        `json:"available"`
	Plan       *Plan        `json:"plan"`
	Period     CreditPeriod `json:"period"`
	WebhookURL string       `json:"low_credit_webhook_url"`
	// LowCredits is this period's low-credit event, if there was one.
	LowCredits *CreditEvent `json:"low_credits"`
}

// CreditEvent is a low-credit warning: the available credits fell below
// Threshold (10% of the plan's monthly credits). There is at most one per
// account and period.
type CreditEvent struct {
	ID          int64      `json:"id"`
	AccountID   int64      `json:"account_id"`
	Kind        string     `json:"kind"`
	Period      string     `json:"period"`
	Available   int64      `json:"available"`
	Threshold   int64      `json:"threshold"`
	CreatedAt   time.Time  `json:"created_at"`
	DeliveredAt *time.Time `json:"delivered_at"`
}

// CreditTransaction is one line of an account's append-only credit
// ledger; Amount is signed.
type CreditTransaction struct {
	ID           int64     `json:"id"`
	AccountID    int64     `json:"account_id"`
	Kind         string    `json:"kind"`
	Amount       int64     `json:"amount"`
	BalanceAfter int64     `json:"balance_after"`
	HoldID       *int64    `json:"hold_id"`
	Period       *string   `json:"period"`
	Reason       string    `json:"reason"`
	CreatedBy    *int64    `json:"created_by"`
	CreatedAt    time.Time `json:"created_at"`
}

// CreditChange is an administrator's change of an account's credits.
type CreditChange struct {
	Kind   string `json:"kind"`   // topup, grant, refund (positive) or adjust (either sign)
	Amount int64  `json:"amount"` // credits to add; negative removes (adjust only)
	Reason string `json:"reason"`
}

// UsageQuery selects usage to sum.
type UsageQuery struct {
	GroupBy string    // operation, site, user or day
	From    time.Time // inclusive
	To      time.Time // exclusive
}

// UsageGroup is the usage of one operation, site, user or day.
type UsageGroup struct {
	Key        string `json:"key"` // "" for usage without a site or user
	Credits    int64  `json:"credits"`
	Operations int64  `json:"operations"`
}

// UsageReport is the answer to a UsageQuery.
type UsageReport struct {
	GroupBy string       `json:"group_by"`
	From    time.Time    `json:"from"`
	To      time.Time    `json:"to"`
	Total   int64        `json:"total"`
	Groups  []UsageGroup `json:"groups"`
}

// LowCreditsPayload is the JSON body POSTed to a low-credit webhook.
type LowCreditsPayload struct {
	Event     string    `json:"event"` // "credits.low"
	AccountID int64     `json:"account_id"`
	Period    string    `json:"period"`
	Available int64     `json:"available"`
	Threshold int64     `json:"threshold"`
	CreatedAt time.Time `json:"created_at"`
}
