package edge

import (
	"slices"
	"strconv"
	"strings"

	"github.com/igny8/igny8/deployer"
)

// negotiate picks the precompressed variant to send for an Accept-Encoding
// header among the stored ones: the acceptable (q > 0) coding with the
// highest q, brotli before gzip on a tie, or "" for the identity bytes.
// "*" stands for any coding the header does not name; "x-gzip" is gzip.
func negotiate(accept string, stored []string) string {
	if accept == "" || len(stored) == 0 {
		return ""
	}
	q := acceptQ(accept)
	best, bestQ := "", 0.0
	for _, enc := range []string{deployer.EncodingBrotli, deployer.EncodingGzip} {
		if !slices.Contains(stored, enc) {
			continue
		}
		v, ok := q[enc]
		if !ok {
			v, ok = q["*"]
		}
		if ok && v > bestQ {
			best, bestQ = enc, v
		}
	}
	return best
}

// acceptQ parses Accept-Encoding into coding → q. A malformed q counts as
// 0 (not acceptable), the safe reading.
func acceptQ(accept string) map[string]float64 {
	q := map[string]float64{}
	for part := range strings.SplitSeq(accept, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if name == "x-gzip" {
			name = deployer.EncodingGzip
		}
		v := 1.0
		for p := range strings.SplitSeq(params, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || f < 0 || f > 1 {
				f = 0
			}
			v = f
		}
		// The first mention wins, as in most servers.
		if _, seen := q[name]; !seen {
			q[name] = v
		}
	}
	return q
}
