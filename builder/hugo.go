package builder

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/bep/logg"
	"github.com/gohugoio/hugo/common/loggers"
	"github.com/gohugoio/hugo/config"
	"github.com/gohugoio/hugo/config/allconfig"
	"github.com/gohugoio/hugo/deps"
	"github.com/gohugoio/hugo/hugofs"
	"github.com/gohugoio/hugo/hugolib"
	"github.com/spf13/afero"

	"github.com/igny8/igny8/themes"
)

const (
	workDir    = "/site"
	publishDir = workDir + "/public"
)

// themeFiles holds the embedded themes by their path in a build's file
// system, read once. Each build copies them into its own memory fs: Hugo
// needs directory handles with ReadDir, which afero's copy-on-write union
// does not provide, and the copy (about 1.5 MB) takes well under a
// millisecond next to a build.
var themeFiles = sync.OnceValues(func() (map[string][]byte, error) {
	files := map[string][]byte{}
	err := fs.WalkDir(themes.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Base(p) == ".gitkeep" {
			return err
		}
		data, err := fs.ReadFile(themes.FS(), p)
		files[path.Join(workDir, "themes", p)] = data
		return err
	})
	return files, err
})

// runHugo builds src with a fresh HugoSites on memory file systems and
// returns the published files by path.
func runHugo(src *Source) (map[string][]byte, []string, error) {
	themed, err := themeFiles()
	if err != nil {
		return nil, nil, fmt.Errorf("load themes: %w", err)
	}
	afs := afero.NewMemMapFs()
	for name, data := range themed {
		if err := afero.WriteFile(afs, name, data, 0o644); err != nil {
			return nil, nil, err
		}
	}
	for name, data := range src.Files {
		if err := afero.WriteFile(afs, path.Join(workDir, name), data, 0o644); err != nil {
			return nil, nil, err
		}
	}

	var (
		mu       sync.Mutex
		warnings []string
		errs     []string
	)
	logger := loggers.New(loggers.Options{
		Level:         logg.LevelWarn,
		StdOut:        io.Discard,
		StdErr:        io.Discard,
		DistinctLevel: logg.LevelWarn,
		HandlerPost: func(e *logg.Entry) error {
			mu.Lock()
			defer mu.Unlock()
			if e.Level >= logg.LevelError {
				errs = append(errs, e.Message)
			} else if e.Level == logg.LevelWarn {
				warnings = append(warnings, e.Message)
			}
			return nil
		},
	})
	flags := config.New()
	flags.Set("workingDir", workDir)
	flags.Set("publishDir", "public")
	flags.Set("cacheDir", "/cache")
	flags.Set("noBuildLock", true)
	res, err := allconfig.LoadConfig(allconfig.ConfigSourceDescriptor{
		Flags:       flags,
		Fs:          afs,
		Logger:      logger,
		Environment: "production",
		// A non-empty environment keeps Hugo from reading the process's
		// own (HUGO_* variables would otherwise override the config).
		Environ: []string{"IGNY8_BUILD=1"},
	})
	if err != nil {
		return nil, nil, fmt.Errorf("hugo config: %w", err)
	}
	hfs := hugofs.NewFrom(afs, res.LoadingInfo.BaseConfig)
	sites, err := hugolib.NewHugoSites(deps.DepsCfg{Configs: res, Fs: hfs, LogLevel: logger.Level(), StdErr: io.Discard})
	if err != nil {
		return nil, nil, fmt.Errorf("hugo: %w", err)
	}
	defer sites.Close()
	if err := sites.Build(hugolib.BuildCfg{}); err != nil {
		return nil, nil, fmt.Errorf("hugo: %w", err)
	}
	if n := sites.NumLogErrors(); n > 0 || len(errs) > 0 {
		return nil, nil, fmt.Errorf("hugo logged %d errors: %s", max(n, len(errs)), strings.Join(errs, "; "))
	}
	files := map[string][]byte{}
	err = afero.Walk(afs, publishDir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || fi.IsDir() {
			return err
		}
		data, err := afero.ReadFile(afs, p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(publishDir, p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = data
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read output: %w", err)
	}
	if len(files) == 0 {
		return nil, nil, errors.New("hugo wrote no files")
	}
	return files, warnings, nil
}
