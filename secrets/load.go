package secrets

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
)

// The environment variables that hold the key ring; cmd reads them and
// passes their values to Load.
const (
	EnvKeys    = "IGNY8_SECRETS_KEYS"     // the keys themselves: "2:<base64>,1:<base64>", the primary first
	EnvKeyFile = "IGNY8_SECRETS_KEY_FILE" // the path of a key file
)

// maxKeyFileSize bounds what LoadKeyFile reads: a ring of a thousand keys
// is about 60 KiB.
const maxKeyFileSize = 1 << 20

// Load returns the key ring from the values of IGNY8_SECRETS_KEYS (keys)
// and IGNY8_SECRETS_KEY_FILE (keyFile). Exactly one of them must be set:
// two sources of keys would sooner or later disagree.
func Load(keys, keyFile string) (*Ring, error) {
	const both = EnvKeys + " and " + EnvKeyFile
	switch {
	case keys != "" && keyFile != "":
		return nil, &ConfigError{Source: both, Problem: "both are set: keep one, so the keys have a single source"}
	case keys != "":
		return ParseKeys(keys)
	case keyFile != "":
		return LoadKeyFile(keyFile)
	}
	return nil, &ConfigError{Source: both, Problem: "neither is set: set " + EnvKeys +
		" to id:base64key entries, the primary first, or " + EnvKeyFile + " to the path of a key file (igny8 dev creates one)"}
}

// ParseKeys returns the key ring written in the format of
// IGNY8_SECRETS_KEYS: entries "id:base64key" separated by commas, the
// first being the primary, e.g. "2:<base64>,1:<base64>". Ids are whole
// numbers from 1 to 4294967295 without leading zeros; keys are 32 bytes
// in standard base64 (openssl rand -base64 32). Spaces around entries
// and their parts are ignored.
func ParseKeys(value string) (*Ring, error) {
	const source = EnvKeys
	if strings.TrimSpace(value) == "" {
		return nil, &ConfigError{Source: source, Problem: "it is empty: set it to id:base64key entries separated by commas, " +
			"the primary first, e.g. 2:<base64>,1:<base64> (openssl rand -base64 32 makes a key)"}
	}
	if v := strings.TrimSpace(value); v[0] == '"' || v[0] == '\'' {
		return nil, &ConfigError{Source: source, Problem: "it is wrapped in quotes: remove them (some env files keep quotes as part of the value)"}
	}
	var keys []ringKey
	defer func() { clearKeys(keys) }()
	for i, part := range strings.Split(value, ",") {
		entry := fmt.Sprintf("entry %d", i+1)
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, &ConfigError{Source: source, Entry: entry, Problem: "the entry is empty: remove the extra comma"}
		}
		idText, keyText, ok := strings.Cut(part, ":")
		if !ok {
			return nil, &ConfigError{Source: source, Entry: entry, Problem: "the entry has no ':': write it as id:base64key"}
		}
		id, problem := parseKeyID(strings.TrimSpace(idText))
		if problem != "" {
			return nil, &ConfigError{Source: source, Entry: entry, Problem: problem}
		}
		entry = fmt.Sprintf("entry %d (key %d)", i+1, id)
		key, problem := decodeKey(strings.TrimSpace(keyText))
		if problem != "" {
			return nil, &ConfigError{Source: source, Entry: entry, Problem: problem}
		}
		keys = append(keys, ringKey{id: id, key: key, entry: entry})
	}
	return newRing(source, keys[0].id, keys)
}

// LoadKeyFile returns the key ring of a key file. The file must be
// readable and writable by its owner only (mode 0600 or 0400); one that
// group or others may read or write is refused. The format is JSON:
//
//	{
//	  "primary": "2",
//	  "keys": {
//	    "1": "<32 bytes in standard base64>",
//	    "2": "<32 bytes in standard base64>"
//	  }
//	}
//
// with no other fields, and each field and key id once. An error for a
// missing file matches fs.ErrNotExist.
func LoadKeyFile(path string) (*Ring, error) {
	kf, err := readKeyFile(path)
	if err != nil {
		return nil, err
	}
	defer clearKeys(kf.keys)
	return newRing(kf.source, kf.primary, kf.keys)
}

// keyFile is the content of a key file.
type keyFile struct {
	source  string // "key file <path>"
	primary uint32
	keys    []ringKey // in the file's order
}

// readKeyFile reads and parses a key file after checking its mode. It
// does not check the keys; newRing does.
func readKeyFile(path string) (*keyFile, error) {
	source := "key file " + path
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("secrets: the key file does not exist (igny8 dev creates one for development): %w", err)
	} else if err != nil {
		return nil, fmt.Errorf("secrets: read the key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("secrets: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return nil, &ConfigError{Source: source, Problem: "it is not a regular file"}
	}
	// Windows has no such mode bits; its ACLs are the administrator's job.
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return nil, &ConfigError{Source: source, Problem: fmt.Sprintf(
			"group or others may read or write it (mode %04o): it holds keys, so run chmod 600 %s", perm, path)}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("secrets: read %s: %w", source, err)
	}
	defer clear(data)
	if len(data) > maxKeyFileSize {
		return nil, &ConfigError{Source: source, Problem: fmt.Sprintf("it is larger than %d bytes: it is not a key file", maxKeyFileSize)}
	}
	return parseKeyFile(source, data)
}

// parseKeyFile parses a key file token by token: encoding/json would take
// the last of two equal names without a word, and a key id given twice
// must be an error. Errors give offsets, never the file's text, which
// holds keys.
func parseKeyFile(source string, data []byte) (*keyFile, error) {
	kf := &keyFile{source: source}
	dec := json.NewDecoder(bytes.NewReader(data))
	invalid := func() error {
		return &ConfigError{Source: source, Problem: fmt.Sprintf(
			`it is not valid JSON or not a key file near byte %d: write it as {"primary": "1", "keys": {"1": "<base64 key>"}}`, dec.InputOffset())}
	}
	delim := func(want json.Delim) bool {
		tok, err := dec.Token()
		return err == nil && tok == want
	}
	if !delim('{') {
		return nil, invalid()
	}
	var seenPrimary, seenKeys bool
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, invalid()
		}
		switch name, _ := tok.(string); name {
		case "primary":
			if seenPrimary {
				return nil, &ConfigError{Source: source, Entry: `"primary"`, Problem: "the field is given twice: keep one"}
			}
			seenPrimary = true
			tok, err := dec.Token()
			if err != nil {
				return nil, invalid()
			}
			s, ok := tok.(string)
			if !ok {
				return nil, &ConfigError{Source: source, Entry: `"primary"`, Problem: `it must be a key id in quotes, like "1"`}
			}
			id, problem := parseKeyID(s)
			if problem != "" {
				return nil, &ConfigError{Source: source, Entry: `"primary"`, Problem: problem}
			}
			kf.primary = id
		case "keys":
			if seenKeys {
				return nil, &ConfigError{Source: source, Entry: `"keys"`, Problem: "the field is given twice: keep one"}
			}
			seenKeys = true
			if !delim('{') {
				return nil, &ConfigError{Source: source, Entry: `"keys"`, Problem: `it must be an object of key ids to base64 keys, like {"1": "<base64 key>"}`}
			}
			for i := 1; dec.More(); i++ {
				entry := fmt.Sprintf(`entry %d of "keys"`, i)
				tok, err := dec.Token()
				if err != nil {
					return nil, invalid()
				}
				name, _ := tok.(string) // the names of an object are strings
				id, problem := parseKeyID(name)
				if problem != "" {
					return nil, &ConfigError{Source: source, Entry: entry, Problem: problem}
				}
				entry = fmt.Sprintf("key %d", id)
				if tok, err = dec.Token(); err != nil {
					return nil, invalid()
				}
				s, ok := tok.(string)
				if !ok {
					return nil, &ConfigError{Source: source, Entry: entry, Problem: "the key must be a string of standard base64"}
				}
				key, problem := decodeKey(s)
				if problem != "" {
					return nil, &ConfigError{Source: source, Entry: entry, Problem: problem}
				}
				kf.keys = append(kf.keys, ringKey{id: id, key: key, entry: entry})
			}
			if !delim('}') {
				return nil, invalid()
			}
		default:
			return nil, &ConfigError{Source: source, Problem: fmt.Sprintf(`it has an unknown field %q: a key file has only "primary" and "keys"`, name)}
		}
	}
	if !delim('}') {
		return nil, invalid()
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, invalid()
	}
	if !seenPrimary {
		return nil, &ConfigError{Source: source, Problem: `it names no primary key: add "primary": "<key id>"`}
	}
	return kf, nil
}

// parseKeyID parses a key id, or says what is wrong with it. It never
// repeats the text, which might be a misplaced key.
func parseKeyID(s string) (uint32, string) {
	id, err := strconv.ParseUint(s, 10, 32)
	if err != nil || id == 0 || strconv.FormatUint(id, 10) != s {
		return 0, "the key id must be a whole number from 1 to 4294967295, without leading zeros"
	}
	return uint32(id), ""
}

// decodeKey decodes a base64 key, or says what is wrong with it without
// repeating it. The ring checks its length.
func decodeKey(s string) ([]byte, string) {
	if s == "" {
		return nil, "the key is empty: openssl rand -base64 32 makes one"
	}
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		var at base64.CorruptInputError
		if errors.As(err, &at) {
			return nil, fmt.Sprintf("the key is not standard base64 (bad character or padding at byte %d of the key): openssl rand -base64 32 makes one", int64(at))
		}
		return nil, "the key is not standard base64: openssl rand -base64 32 makes one"
	}
	return key, ""
}

// clearKeys overwrites the raw keys once the ring has derived its own.
func clearKeys(keys []ringKey) {
	for _, k := range keys {
		clear(k.key)
	}
}
