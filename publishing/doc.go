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
// destination without keys finds its object by slug or handle and IGNY8's
// marker, which names the content and the IGNY8 site (WordPress,
// WooCommerce and Shopify do).
//
// A piece's version on a destination is its ContentHash, combined with
// what Publisher.Version adds (where its links point, which generated
// images Publisher.Prepare puts on its page), so that a piece whose links
// now resolve elsewhere is written again.
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
//
// # Sync and import
//
// A Syncer reads a destination through its Source: an object IGNY8 wrote
// that changed there comes back as the piece's next revision when IGNY8's
// version did not change since, and becomes a conflict (the remote version
// kept on the record) when both did, until Resolve keeps one side; an
// object gone there is marked remote_deleted. Import makes draft content
// of the objects IGNY8 does not have, recorded as published in that very
// version.
package publishing
