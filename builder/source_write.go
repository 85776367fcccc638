package builder

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/igny8/igny8/themes"
)

// WriteSource writes a generated Hugo project and the themes it uses to dir,
// so the hugo CLI can build exactly what Build builds (benchmarks, debugging).
func WriteSource(src *Source, dir string) error {
	write := func(name string, data []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	}
	for name, data := range src.Files {
		if err := write(name, data); err != nil {
			return err
		}
	}
	for name, data := range src.Static {
		if err := write("static/"+name, data); err != nil {
			return err
		}
	}
	return fs.WalkDir(themes.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(themes.FS(), p)
		if err != nil {
			return err
		}
		return write(path.Join("themes", p), data)
	})
}
