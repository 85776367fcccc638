package blueprints_test

import (
	"encoding/json"
	"testing"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/internal/sitegen"
)

// BenchmarkLoad1000 loads a generated 1,000-page blueprint.
func BenchmarkLoad1000(b *testing.B) {
	data, err := json.Marshal(sitegen.Generate(1000))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := blueprints.Load(data, blueprints.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
