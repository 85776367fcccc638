package storage

import "github.com/igny8/igny8"

// Sentinel errors. Implementations wrap them with context, as in
// fmt.Errorf("get %q: %w", key, storage.ErrNotFound), and callers test them
// with errors.Is.
//
// Each sentinel is an *igny8.Error, so igny8.ErrorCode and
// igny8.ErrorMessage see through the wrapping and the API maps a missing
// object to not_found and a lost compare-and-swap to conflict without knowing
// about storage. Their messages are generic on purpose: safe to show to users,
// they name no bucket or key. Never modify them.
//
// Any other error from a Store (I/O, network, credentials) is internal.
var (
	// ErrNotFound means the key holds no object.
	ErrNotFound = &igny8.Error{Code: igny8.ENotFound, Message: "Object not found."}

	// ErrBucketNotFound means the bucket does not exist. It is distinct from
	// ErrNotFound so that a missing bucket is never mistaken for a missing
	// object (say, a live pointer not yet written).
	ErrBucketNotFound = &igny8.Error{Code: igny8.ENotFound, Message: "Bucket not found."}

	// ErrPrecondition means a conditional Put lost: the key already existed
	// (IfNotExist) or held another generation (IfGenerationMatch).
	ErrPrecondition = &igny8.Error{Code: igny8.EConflict, Message: "The object was changed by someone else."}

	// ErrBucketExists means CreateBucket found the bucket already there.
	ErrBucketExists = &igny8.Error{Code: igny8.EConflict, Message: "Bucket already exists."}

	// ErrBucketNotEmpty means DeleteBucket found objects left in the bucket.
	ErrBucketNotEmpty = &igny8.Error{Code: igny8.EConflict, Message: "Bucket is not empty."}

	// ErrInvalid means a bucket name, key, prefix or option is malformed;
	// the wrapping error says which and why.
	ErrInvalid = &igny8.Error{Code: igny8.EInvalid, Message: "Invalid object name or option."}

	// ErrInvalidRange means a Get range starts at or past the end of the
	// object (HTTP 416).
	ErrInvalidRange = &igny8.Error{Code: igny8.EInvalid, Message: "Requested range is not satisfiable."}
)
