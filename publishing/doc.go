// Package publishing publishes a site's content to the other platforms
// it is connected to (its integrations): it decides which content goes
// where, keeps one record per piece and destination, and writes each piece
// exactly once per version.
//
// # Exactly once
//
// Before it writes anywhere the publisher reads the piece's record for the
// destination (creating a pending one the first time). A piece already
// published with the same content hash is left alone. Otherwise the
// destination writes it with an idempotency key made of the destination,
// the piece and the content hash, and passes the remote object the record
// names, if any, so that it updates instead of creating. If the process
// dies between the remote write and the record, the redelivered publish
// finds the record unchanged and writes again with the same key: a
// destination that honours the key (the custom API contract) answers with
// the object it made the first time, and the record adopts it; a
// destination without keys must find its object by slug and IGNY8's
// marker (WordPress and Shopify, to come).
//
// # Where content goes
//
// Supports holds the routing matrix: posts to WordPress posts, Shopify
// blog articles and custom APIs; pages to WordPress pages, Shopify pages
// and custom APIs; products to WooCommerce (a WordPress integration of
// type ecommerce), Shopify products and custom APIs; categories to
// WordPress categories, Shopify collections and custom APIs; service pages
// to WordPress and custom APIs. Any other combination is refused with the
// reason, never dropped.
package publishing
