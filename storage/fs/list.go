package fs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/igny8/igny8/storage"
)

// List implements storage.Store. It walks the bucket's folders depth-first
// in key order, skipping whole folders that lie before StartAfter or outside
// the prefix, and stops one object past the page, so a page costs about the
// same however many keys the bucket holds. Each listed file is opened to read
// its header.
func (s *Store) List(ctx context.Context, bucket string, opts storage.ListOptions) (storage.ListPage, error) {
	if err := storage.ValidateList(ctx, bucket, opts); err != nil {
		return storage.ListPage{}, fmt.Errorf("list: %w", err)
	}
	if err := s.checkBucket(bucket); err != nil {
		return storage.ListPage{}, fmt.Errorf("list: %w", err)
	}
	limit := opts.PageLimit()
	w := walker{prefix: opts.Prefix, startAfter: opts.StartAfter, max: limit + 1}
	// Start in the deepest folder the prefix names in full.
	base := opts.Prefix[:strings.LastIndex(opts.Prefix, "/")+1]
	if err := w.walk(ctx, filepath.Join(s.bucketDir(bucket), filepath.FromSlash(base)), base); err != nil {
		return storage.ListPage{}, fmt.Errorf("list %s/%s: %w", bucket, opts.Prefix, err)
	}
	page := storage.ListPage{Objects: w.out}
	if len(page.Objects) > limit {
		page.Objects = page.Objects[:limit]
		page.Next = page.Objects[limit-1].Key
	}
	return page, nil
}

// walker collects up to max objects, in key order, whose keys start with
// prefix and sort after startAfter.
type walker struct {
	prefix     string
	startAfter string
	max        int
	out        []storage.ObjectInfo
}

type entry struct {
	name  string
	order string // name, plus "/" for a folder: its keys sort as name + "/…"
	dir   bool
}

// walk visits dir, whose keys start with base ("" or ending in "/").
func (w *walker) walk(ctx context.Context, dir, base string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	des, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil // no such prefix, or removed by a concurrent Delete
	} else if err != nil {
		return err
	}
	entries := make([]entry, 0, len(des))
	for _, de := range des {
		switch {
		case de.IsDir():
			entries = append(entries, entry{name: de.Name(), order: de.Name() + "/", dir: true})
		case de.Type().IsRegular():
			entries = append(entries, entry{name: de.Name(), order: de.Name()})
		}
	}
	// ReadDir sorts by name, but "a/…" must come after "a-c" and "a.txt".
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.order, b.order) })

	for _, e := range entries {
		key := base + e.order
		if e.dir {
			if !w.wantFolder(key) {
				continue
			}
			if err := w.walk(ctx, filepath.Join(dir, e.name), key); err != nil {
				return err
			}
		} else if strings.HasPrefix(key, w.prefix) && key > w.startAfter {
			if err := w.add(filepath.Join(dir, e.name), key); err != nil {
				return err
			}
		}
		if len(w.out) >= w.max {
			return nil
		}
	}
	return nil
}

// wantFolder reports whether the folder holding the keys that start with
// folder (ending in "/") may hold a key to list.
func (w *walker) wantFolder(folder string) bool {
	if !strings.HasPrefix(folder, w.prefix) && !strings.HasPrefix(w.prefix, folder) {
		return false
	}
	// Every key inside is greater than folder; when startAfter is not inside
	// too, they all sort on the same side of it as folder does.
	return strings.HasPrefix(w.startAfter, folder) || folder > w.startAfter
}

func (w *walker) add(path, key string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // deleted since ReadDir
	} else if err != nil {
		return err
	}
	defer f.Close()
	info, _, err := readInfo(f, key)
	if err != nil {
		return err
	}
	info.ContentType = "" // as S3 listings: it is not part of them
	w.out = append(w.out, info)
	return nil
}
