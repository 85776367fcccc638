package storagetest

import (
	"testing"

	"github.com/igny8/igny8/storage"
)

func testRange(t *testing.T, s storage.Store) {
	b := NewBucket(t, s)
	mustPut(t, s, b, "digits", "0123456789", storage.PutOptions{ContentType: "text/plain"})
	mustPut(t, s, b, "empty", "", storage.PutOptions{})

	tests := []struct {
		name string
		rng  storage.Range
		want string
	}{
		{"start-end", storage.Range{Offset: 2, Length: 3}, "234"},
		{"first byte", storage.Range{Offset: 0, Length: 1}, "0"},
		{"last byte", storage.Range{Offset: 9, Length: 1}, "9"},
		{"open-ended", storage.Range{Offset: 7}, "789"},
		{"whole", storage.Range{}, "0123456789"},
		{"runs past the end", storage.Range{Offset: 5, Length: 100}, "56789"},
	}
	for _, tt := range tests {
		got, info, err := read(t, s, b, "digits", storage.GetOptions{Range: &tt.rng})
		if err != nil {
			t.Errorf("%s: Get(%+v): %v", tt.name, tt.rng, err)
			continue
		}
		if got != tt.want {
			t.Errorf("%s: Get(%+v) = %q, want %q", tt.name, tt.rng, got, tt.want)
		}
		if info.Size != 10 || info.ContentType != "text/plain" || info.Generation == "" {
			t.Errorf("%s: Get(%+v) info = %+v, want the whole object's", tt.name, tt.rng, info)
		}
	}

	bad := []struct {
		name string
		key  string
		rng  storage.Range
		want error
	}{
		{"at the end", "digits", storage.Range{Offset: 10}, storage.ErrInvalidRange},
		{"past the end", "digits", storage.Range{Offset: 20, Length: 5}, storage.ErrInvalidRange},
		{"of an empty object", "empty", storage.Range{Offset: 0}, storage.ErrInvalidRange},
		{"negative offset", "digits", storage.Range{Offset: -1, Length: 2}, storage.ErrInvalid},
		{"negative length", "digits", storage.Range{Offset: 1, Length: -2}, storage.ErrInvalid},
		{"of a missing object", "missing", storage.Range{Offset: 1, Length: 2}, storage.ErrNotFound},
	}
	for _, tt := range bad {
		_, _, err := read(t, s, b, tt.key, storage.GetOptions{Range: &tt.rng})
		wantErr(t, "Get range "+tt.name, err, tt.want)
	}
}
