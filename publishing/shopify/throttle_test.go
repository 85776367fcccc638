package shopify

import (
	"testing"
	"time"
)

func TestThrottleWait(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ext  string
		want time.Duration
	}{
		{"Missing", `{}`, time.Second},
		{"Needs4s", `{"cost":{"requestedQueryCost":502,"throttleStatus":{"maximumAvailable":2000,"currentlyAvailable":100,"restoreRate":100}}}`, 4020 * time.Millisecond},
		{"Enough", `{"cost":{"requestedQueryCost":50,"throttleStatus":{"maximumAvailable":2000,"currentlyAvailable":100,"restoreRate":100}}}`, 0},
		{"MoreThanBucket", `{"cost":{"requestedQueryCost":5000,"throttleStatus":{"maximumAvailable":1000,"currentlyAvailable":0,"restoreRate":50}}}`, 20 * time.Second},
		{"NoRestore", `{"cost":{"requestedQueryCost":50,"throttleStatus":{"maximumAvailable":1000,"currentlyAvailable":0,"restoreRate":0}}}`, time.Second},
		{"Huge", `{"cost":{"requestedQueryCost":1e300,"throttleStatus":{"maximumAvailable":0,"currentlyAvailable":0,"restoreRate":1e-300}}}`, maxThrottleWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cost, err := parseCost([]byte(tt.ext))
			if err != nil {
				t.Fatal(err)
			}
			if got := throttleWait(cost); got != tt.want {
				t.Errorf("throttleWait: got %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzThrottleWait: whatever Shopify reports, the wait is between 0 and
// maxThrottleWait.
func FuzzThrottleWait(f *testing.F) {
	f.Add([]byte(`{"cost":{"requestedQueryCost":502,"throttleStatus":{"maximumAvailable":2000,"currentlyAvailable":100,"restoreRate":100}}}`))
	f.Fuzz(func(t *testing.T, ext []byte) {
		cost, err := parseCost(ext)
		if err != nil {
			return
		}
		if w := throttleWait(cost); w < 0 || w > maxThrottleWait {
			t.Fatalf("throttleWait(%s) = %v", ext, w)
		}
	})
}
