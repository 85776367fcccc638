// Package pipeline runs the content pipeline's steps as background jobs:
// keyword import, clustering, ideas, writing, image prompts, images,
// publishing to the site and site generation. Each step is metered by the
// credit ledger with one idempotency key per logical operation, writes what
// it made through idempotent store methods, and reports progress, so a
// redelivered or retried job neither charges twice nor duplicates a row.
//
// The planner and writer packages do the thinking (grouping, prompts,
// blocks); this package does the bookkeeping around them.
package pipeline
