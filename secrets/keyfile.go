package secrets

import (
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// CreateKeyFile writes a new key file at path holding one random key, id
// 1, as the primary, and returns its ring. It creates the file's
// directory (mode 0700) if needed and the file with mode 0600. It never
// replaces a file: an existing key file may be the only way to read the
// credentials stored with it. igny8 dev calls it when its key file does
// not exist yet.
func CreateKeyFile(path string) (*Ring, error) {
	kf := &keyFile{source: "key file " + path, primary: 1, keys: []ringKey{{id: 1, key: newKey(), entry: "key 1"}}}
	defer clearKeys(kf.keys)
	r, err := newRing(kf.source, kf.primary, kf.keys)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("secrets: create the key file's directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if os.IsExist(err) {
			return nil, &ConfigError{Source: kf.source, Problem: "it already exists: load it, or move it away if its keys are no longer needed"}
		}
		return nil, fmt.Errorf("secrets: %w", err)
	}
	if err := writeAndClose(f, kf.encode()); err != nil {
		os.Remove(path)
		return nil, fmt.Errorf("secrets: write %s: %w", kf.source, err)
	}
	return r, nil
}

// AddKeyToFile adds a new random key to a key file, with the next free
// id, and returns that id. With primary, the new key becomes the primary
// at once: enough for one process. A fleet adds the key first without
// primary, restarts every process so all can open what it seals, and
// only then makes it primary with SetPrimaryInFile (see the package doc).
func AddKeyToFile(path string, primary bool) (uint32, error) {
	var id uint32
	err := editKeyFile(path, func(kf *keyFile) error {
		last := slices.MaxFunc(kf.keys, byID).id
		if last == math.MaxUint32 {
			return &ConfigError{Source: kf.source, Problem: "its key ids are used up: write the keys to a new file with smaller ids"}
		}
		id = last + 1
		kf.keys = append(kf.keys, ringKey{id: id, key: newKey(), entry: fmt.Sprintf("key %d", id)})
		if primary {
			kf.primary = id
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return id, nil
}

// SetPrimaryInFile makes key id, which the key file must hold, its
// primary key.
func SetPrimaryInFile(path string, id uint32) error {
	return editKeyFile(path, func(kf *keyFile) error {
		if !slices.ContainsFunc(kf.keys, func(k ringKey) bool { return k.id == id }) {
			return &ConfigError{Source: kf.source, Entry: fmt.Sprintf("key %d", id), Problem: fmt.Sprintf("the file has no such key (it has %s)", idList(kf.ids()))}
		}
		kf.primary = id
		return nil
	})
}

// RemoveKeyFromFile removes key id from a key file, to retire it once no
// ciphertext uses it (igny8 keys rotate reports that). It refuses to
// remove the primary key.
func RemoveKeyFromFile(path string, id uint32) error {
	return editKeyFile(path, func(kf *keyFile) error {
		entry := fmt.Sprintf("key %d", id)
		if id == kf.primary {
			return &ConfigError{Source: kf.source, Entry: entry, Problem: "it is the primary key: make another key primary first"}
		}
		i := slices.IndexFunc(kf.keys, func(k ringKey) bool { return k.id == id })
		if i < 0 {
			return &ConfigError{Source: kf.source, Entry: entry, Problem: fmt.Sprintf("the file has no such key (it has %s)", idList(kf.ids()))}
		}
		clear(kf.keys[i].key)
		kf.keys = slices.Delete(kf.keys, i, i+1)
		return nil
	})
}

// editKeyFile reads a valid key file, applies edit, checks the result
// makes a ring and replaces the file with it atomically: a crash leaves
// the old file or the new one, never half of one.
func editKeyFile(path string, edit func(*keyFile) error) error {
	kf, err := readKeyFile(path)
	if err != nil {
		return err
	}
	defer func() { clearKeys(kf.keys) }()
	if _, err := newRing(kf.source, kf.primary, kf.keys); err != nil {
		return err
	}
	if err := edit(kf); err != nil {
		return err
	}
	if _, err := newRing(kf.source, kf.primary, kf.keys); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*") // mode 0600
	if err != nil {
		return fmt.Errorf("secrets: replace %s: %w", kf.source, err)
	}
	if err := writeAndClose(tmp, kf.encode()); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("secrets: replace %s: %w", kf.source, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("secrets: replace %s: %w", kf.source, err)
	}
	return nil
}

// writeAndClose writes data to f, flushes it to disk, closes f and
// clears data.
func writeAndClose(f *os.File, data []byte) error {
	defer clear(data)
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// encode writes the key file's JSON, keys in increasing id order.
func (kf *keyFile) encode() []byte {
	keys := slices.SortedFunc(slices.Values(kf.keys), byID)
	var b bytes.Buffer
	b.Grow(64 + len(keys)*64) // no regrowth, which would leave copies of keys behind
	fmt.Fprintf(&b, "{\n  \"primary\": \"%d\",\n  \"keys\": {\n", kf.primary)
	for i, k := range keys {
		b.WriteString(`    "` + strconv.FormatUint(uint64(k.id), 10) + `": "`)
		enc := base64.NewEncoder(base64.StdEncoding, &b)
		enc.Write(k.key)
		enc.Close()
		b.WriteString(`"`)
		if i < len(keys)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  }\n}\n")
	return b.Bytes()
}

// byID orders keys by id.
func byID(a, b ringKey) int { return cmp.Compare(a.id, b.id) }

// ids returns the file's key ids in increasing order.
func (kf *keyFile) ids() []uint32 {
	ids := make([]uint32, len(kf.keys))
	for i, k := range kf.keys {
		ids[i] = k.id
	}
	slices.Sort(ids)
	return ids
}

// newKey returns KeySize random bytes.
func newKey() []byte {
	k := make([]byte, KeySize)
	rand.Read(k) // never fails: crypto/rand crashes the program instead
	return k
}
