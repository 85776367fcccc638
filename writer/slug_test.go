package writer_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/igny8/igny8/writer"
)

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func TestSlug(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("slow travel ", 10) // 120 characters
	tests := []struct{ in, want string }{
		{"Crème brûlée tips", "creme-brulee-tips"},
		{"Don't panic!", "dont-panic"},
		{"Die Straße über den Fjord", "die-strasse-uber-den-fjord"},
		{"Smørrebrød & Œuvres", "smorrebrod-oeuvres"},
		{"  --Hello,   World--  ", "hello-world"},
		{"10 Tips for 2026", "10-tips-for-2026"},
		{"/blog/My-Post/", "my-post"},
		{"ﬁsh ＡＢＣ", "fish-abc"},
		{"Ночные поезда", ""},
		{long, "slow-travel-slow-travel-slow-travel-slow-travel-slow-travel-slow"},
		{strings.Repeat("a", 70), strings.Repeat("a", 64)},
	}
	for _, tt := range tests {
		got := writer.Slug(tt.in)
		if got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got != "" && (!idRE.MatchString(got) || len(got) > writer.MaxSlug || strings.HasSuffix(got, "-") || strings.Contains(got, "--")) {
			t.Errorf("Slug(%q) = %q, which is not a page id of at most %d characters", tt.in, got, writer.MaxSlug)
		}
	}
}

func TestTag(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Night trains", "Night trains"},
		{"  Night \n trains ", "Night trains"},
		{"Long-distance walking routes across the Alps", "Long-distance walking routes across the"},
		{"", ""},
	}
	for _, tt := range tests {
		got := writer.Tag(tt.in)
		if got != tt.want {
			t.Errorf("Tag(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if n := len([]rune(got)); n > writer.MaxTag {
			t.Errorf("Tag(%q) has %d characters; a tag has at most %d", tt.in, n, writer.MaxTag)
		}
	}
}
