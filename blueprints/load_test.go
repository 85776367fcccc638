package blueprints_test

import (
	"os"
	"testing"

	"github.com/igny8/igny8/blueprints"
)

func TestLoadGoldenFixture(t *testing.T) {
	data, err := os.ReadFile("../builder/testdata/allblocks/blueprint.json")
	if err != nil {
		t.Fatal(err)
	}
	bp, err := blueprints.Load(data, blueprints.Options{Assets: os.DirFS("../builder/testdata/allblocks")})
	if err != nil {
		t.Fatalf("fixture invalid:\n%v", err)
	}
	if got, want := bp.Pages[0].Blocks[0].V, 2; got != want {
		t.Errorf("hero migrated to v%d, want v%d", got, want)
	}
}
