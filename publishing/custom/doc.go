// Package custom is the "Custom API" publishing destination: IGNY8 POSTs
// each piece of content, as JSON, to a URL the customer runs, signed with
// a secret the two share. This comment is the wire contract; a customer
// can build a receiver from it alone.
//
// # The request
//
// Each publish is one POST (repeated, re-signed, while it fails
// transiently; see Retries):
//
//	POST /your/path HTTP/1.1
//	Content-Type: application/json
//	User-Agent: igny8-webhook/1
//	Idempotency-Key: cp_812_dst_9_3f5a…   the same on every attempt of this publish
//	X-IGNY8-Event: content.published      or content.updated, content.deleted, …
//	X-IGNY8-Delivery: 7KXQ2V…              new on every attempt
//	X-IGNY8-Timestamp: 1700000000          unix seconds, when this attempt was signed
//	X-IGNY8-Signature: v1=4c8aafec…
//
//	{"event":"content.published","id":"c_1", …}
//
// Header names are case-insensitive (HTTP/2 sends them in lower case).
// Ignore events you do not know: new ones may be added. Redirects are not
// followed.
//
// # The signature
//
// To check that a request comes from IGNY8 and was not altered:
//
//  1. Take X-IGNY8-Timestamp exactly as sent (decimal digits) and the raw
//     request body exactly as received, before any JSON parsing or
//     re-encoding.
//  2. Build the signed payload: the timestamp, a full stop ('.'), the
//     body: "1700000000.{…}".
//  3. Compute HMAC-SHA256 of the payload, keyed with the signing secret
//     shown for the destination in IGNY8 (the secret's bytes, as text),
//     and write it in lowercase hexadecimal.
//  4. X-IGNY8-Signature is a comma-separated list of scheme=value
//     pairs. Accept the request if any v1 value equals your result,
//     comparing in constant time (HMAC compare, not ==). Ignore schemes
//     other than v1. While a secret is being rotated IGNY8 signs with the
//     new and the old secret, one v1 value each: "v1=…,v1=…".
//  5. Refuse a timestamp more than 5 minutes from your clock, either way,
//     so that a captured request cannot be replayed later. Every attempt
//     is signed afresh, so a retry is never stale.
//
// Answer 401 to a request that fails the check. Test vector: secret
// "whsec_test_secret", X-IGNY8-Timestamp "1700000000", body
// {"event":"content.published","id":"c_1"} give
//
//	v1=4c8aafecbb5737af49f43fa242d4b40888a11212000313b9b28f864f1807ef56
//
// In Go, Verify does all of this (see its example for a whole receiver).
// The signature covers the timestamp and the body only: the event,
// delivery and idempotency headers are not signed, so act on what the
// body says, and use an https URL so that nobody can alter the headers
// on the way.
//
// # The content
//
// A content delivery's body is a Payload: the event again (signed, unlike
// the header), remote_id (the id your endpoint answered the first time,
// on content.updated), and the piece: id, site_id, entity_type, title,
// slug, meta_title, meta_description, excerpt, target_keyword,
// word_count and page, the page as blueprint blocks (docs/blueprints.md):
//
//	{"event": "content.updated", "remote_id": "123", "content": {"id": 7, "site_id": 1,
//	 "entity_type": "post", "title": "…", "slug": "…", …, "page": {"id": "…", "blocks": […]}}}
//
// # Idempotency
//
// Idempotency-Key names one publish of one version of one piece of
// content to this destination. It is the same on every retry, and when
// IGNY8 sends the same publish again after losing track of it (a worker
// restarting, an answer lost on the network: your endpoint may have
// acted on a request whose answer IGNY8 never saw). Your endpoint must
// make a key it has already processed a no-op: create nothing new, and
// answer as it did the first time, with the same id and url. Keep the
// keys you have seen for at least a week.
//
// # The answer
//
// Any 2xx status accepts the delivery. The body may be empty, or a JSON
// object that tells IGNY8 what it created:
//
//	{"id": "123", "url": "https://blog.example.com/posts/hello"}
//
// id is a string or a number (kept exactly as written), at most 255
// bytes; url is the absolute http or https address where the content
// can be seen, at most 2000 characters. IGNY8 records both and shows the
// url to the site owner; it ignores, with a note, an id or url it cannot
// take, and any other field. Only the first 1 MiB of an answer is read:
// a longer one is accepted with nothing recorded. Answer within 15
// seconds (IGNY8 gives up on an attempt after 30): if the work takes
// longer, accept the request (202), do the work after, and answer a
// retry of the same key with the same id.
//
// # Retries
//
// A network error, a timeout, and the statuses 408, 425, 429 and 5xx are
// transient: IGNY8 tries again, up to 5 attempts in all. The wait after
// attempt n is 1s·2^(n-1), at most 30s, shortened at random by up to half
// (about 1, 2, 4 and 8 seconds). A Retry-After header (seconds, or an HTTP
// date) lengthens the wait to what it asks, up to 1 minute; if it asks
// for longer, IGNY8 stops this round at once and tries again later, with
// the same Idempotency-Key.
//
// Every other status is permanent: IGNY8 stops, marks the publish failed
// and tells the site owner why. 401 and 403 mean the signing secret or
// credentials were refused; 404 and 410 that the URL no longer exists;
// 400 and 422 that the content was refused, and then the first 300
// characters of your explanation are shown: the "message", "error"
// (a string, or an object with "message"), "detail" or "title" of a JSON
// body, or a plain-text body. A 3xx redirect is permanent too: set the
// destination's URL to its target.
//
// # Sending (IGNY8's side)
//
// New makes a Destination from the URL, a Config and the signing
// secrets; Publish sends one Delivery and returns the Result (remote id
// and URL, status, attempts, delivery id) or a *DeliveryError whose
// Permanent field tells the caller whether to give up. Production passes
// NewClient's SSRF-safe client (the default); an address it refuses is a
// permanent error carrying *safehttp.BlockedError.
package custom
