package blueprints_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/igny8/igny8/blueprints"
)

// FuzzLoad feeds arbitrary bytes to Load. It must never panic; failures must
// be Problems with messages; and a blueprint that loads must load again,
// unchanged, from its own encoding (migration and decoding are stable).
// The seed corpus is in testdata/fuzz/FuzzLoad.
func FuzzLoad(f *testing.F) {
	if data, err := os.ReadFile(fixture + "/blueprint.json"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`{"version":1,"site":{"name":"x","base_url":"https://x.example/","locale":"en"},"theme":{"name":"studio"},"pages":[{"id":"home","path":"/","type":"home","title":"t","blocks":[]}]}`))
	f.Add([]byte(`{"version":1,"site":{"name":"x","base_url":"https://x.example/","locale":"en","redirects":[{"from":"/old/*","to":"/new/:splat"},{"from":"/p/:id","to":"https://y.example/:id","status":308,"force":true},{"from":"/a/*/b","to":"/:splat"}]},"theme":{"name":"studio"},"pages":[{"id":"home","path":"/","type":"home","title":"t","blocks":[]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		bp, err := blueprints.Load(data, blueprints.Options{})
		if err != nil {
			var ps blueprints.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("error is %T, not Problems: %v", err, err)
			}
			for _, p := range ps {
				if p.Message == "" {
					t.Fatalf("problem without a message at %q", p.Pointer)
				}
			}
			return
		}
		again, err := json.Marshal(bp)
		if err != nil {
			t.Fatal(err)
		}
		bp2, err := blueprints.Load(again, blueprints.Options{})
		if err != nil {
			t.Fatalf("loaded blueprint does not load from its own encoding: %v\n%s", err, again)
		}
		third, _ := json.Marshal(bp2)
		if !bytes.Equal(again, third) {
			t.Fatalf("encoding not stable:\n%s\n%s", again, third)
		}
	})
}
