package deployer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/storage"
)

// maxManifestSize bounds the manifest read into memory.
const maxManifestSize = 256 << 20

// ReadManifest returns the manifest of a ready deploy of a site.
func (d *Deployer) ReadManifest(ctx context.Context, siteID, deployID string) (*Manifest, error) {
	b, err := bucket(siteID)
	if err != nil {
		return nil, err
	}
	return d.readManifest(ctx, b, deployID)
}

func (d *Deployer) readManifest(ctx context.Context, b, deployID string) (*Manifest, error) {
	id, _, err := ParseDeployID(deployID)
	if err != nil {
		return nil, err
	}
	data, _, err := d.get(ctx, b, DeployKey(id))
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrBucketNotFound) {
		return nil, fmt.Errorf("read manifest %s: %w", id, igny8.Errorf(igny8.ENotFound, "Deploy %s not found.", id))
	} else if err != nil {
		return nil, fmt.Errorf("read manifest %s: %w", id, err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("decode manifest %s: %w", id, err)
	}
	return &m, nil
}

// get reads a whole object.
func (d *Deployer) get(ctx context.Context, b, key string) ([]byte, storage.ObjectInfo, error) {
	rc, info, err := d.store.Get(ctx, b, key, storage.GetOptions{})
	if err != nil {
		return nil, info, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxManifestSize+1))
	if err != nil {
		return nil, info, err
	} else if len(data) > maxManifestSize {
		return nil, info, fmt.Errorf("%s is larger than %d bytes", key, maxManifestSize)
	}
	return data, info, nil
}

// Live returns a site's live pointer; it fails with a not_found error
// wrapping storage.ErrNotFound when no deploy was promoted yet, and with
// ErrSiteDeleted (also not_found) when the pointer is a tombstone.
func (d *Deployer) Live(ctx context.Context, siteID string) (LiveRef, error) {
	b, err := bucket(siteID)
	if err != nil {
		return LiveRef{}, err
	}
	ref, gen, err := d.readLive(ctx, b)
	if err != nil {
		return LiveRef{}, fmt.Errorf("live %s: %w", siteID, err)
	} else if ref.Deleted {
		return LiveRef{}, fmt.Errorf("live %s: %w", siteID, ErrSiteDeleted)
	} else if gen == "" || ref.DeployID == "" { // "": a first promote backed out
		return LiveRef{}, fmt.Errorf("live %s: %w", siteID, storage.ErrNotFound)
	}
	return ref, nil
}

// readLive returns the live pointer and its storage generation, or a zero
// LiveRef and "" when there is none.
func (d *Deployer) readLive(ctx context.Context, b string) (LiveRef, string, error) {
	data, info, err := d.get(ctx, b, LiveKey)
	if errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrBucketNotFound) {
		return LiveRef{}, "", nil
	} else if err != nil {
		return LiveRef{}, "", fmt.Errorf("read live pointer: %w", err)
	}
	var ref LiveRef
	if err := json.Unmarshal(data, &ref); err != nil {
		return LiveRef{}, "", fmt.Errorf("decode live pointer: %w", err)
	}
	return ref, info.Generation, nil
}

// writeLive replaces the live pointer if it still has generation gen (""
// means: if there is none), and returns the new generation.
func (d *Deployer) writeLive(ctx context.Context, b string, ref LiveRef, gen string) (string, error) {
	data, err := json.Marshal(ref)
	if err != nil {
		return "", fmt.Errorf("encode live pointer: %w", err)
	}
	opts := storage.PutOptions{ContentType: "application/json", IfGenerationMatch: gen, IfNotExist: gen == ""}
	info, err := d.store.Put(ctx, b, LiveKey, bytes.NewReader(data), int64(len(data)), opts)
	if errors.Is(err, storage.ErrPrecondition) {
		return "", fmt.Errorf("swap live pointer: %w: %w", ErrLiveChanged, err)
	} else if err != nil {
		return "", fmt.Errorf("swap live pointer: %w", err)
	}
	return info.Generation, nil
}
