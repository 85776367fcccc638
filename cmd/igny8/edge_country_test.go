package main

import (
	"errors"
	"testing"
)

func TestEdgeCountryHeader(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		env, want string
		usage     bool
	}{
		{"", "", false},
		{"cloudfront-viewer-country", "Cloudfront-Viewer-Country", false},
		{" CF-IPCountry ", "Cf-Ipcountry", false},
		{"X Country", "", true},
		{"Country:", "", true},
	} {
		got, err := edgeCountryHeader(func(k string) string {
			if k == "IGNY8_EDGE_COUNTRY_HEADER" {
				return tt.env
			}
			return ""
		})
		var ue usageError
		if got != tt.want || (err != nil) != tt.usage || tt.usage && !errors.As(err, &ue) {
			t.Errorf("IGNY8_EDGE_COUNTRY_HEADER=%q: %q, %v; want %q, usage error %v", tt.env, got, err, tt.want, tt.usage)
		}
	}
}
