package sitegen_test

import (
	"encoding/json"
	"testing"

	"github.com/igny8/igny8/blueprints"
	"github.com/igny8/igny8/internal/sitegen"
)

func TestGenerateIsValid(t *testing.T) {
	bp := sitegen.Generate(120)
	if got := len(bp.Pages); got != 120 {
		t.Fatalf("%d pages, want 120", got)
	}
	data, err := json.Marshal(bp)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := blueprints.Load(data, blueprints.Options{}); err != nil {
		t.Fatalf("generated blueprint is invalid:\n%v", err)
	}
}
