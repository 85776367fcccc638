// Package shopify publishes IGNY8 content to a Shopify shop through the
// Admin GraphQL API, version APIVersion (2026-07), at
// https://{shop}.myshopify.com/admin/api/2026-07/graphql.json with the
// X-Shopify-Access-Token header.
//
// # Use
//
//	c, err := shopify.New(shopify.Config{Shop: "acme", Token: tok, HTTPClient: safeClient, BlogHandle: "news"})
//	shop, err := c.Check(ctx)                            // *Shop: name, domains, scopes
//	a := &shopify.Adapter{Client: c, Refs: refs}         // a publishing.Destination
//	remote, err := a.Publish(ctx, content, rec, key)      // ID, URL, and the version: Hash, Modified
//	src := shopify.NewSource(c)                          // a publishing.Source: Changed, Missing, All
//	items, err := c.UpdatedSince(ctx, shopify.KindPage, since) // KindArticle, KindProduct
//	err = shopify.VerifyWebhook(secret, body, r.Header.Get(shopify.HeaderHMAC))
//	hook, err := shopify.ReadWebhook(r, secret)          // verified; topic, shop, product id
//
// # What goes where
//
// Posts become articles of the blog Config.BlogHandle (found by handle,
// created once when missing), pages become pages, products are upserted
// with productSet, categories (taxonomy) become collections. Bodies are
// the page rendered by markup.HTML; images are uploaded to the shop's
// files by staged upload (stagedUploadsCreate, a multipart POST to the
// target without the token, fileCreate, then polling until READY), named
// after the asset's SHA-256 and looked up by that name first, so each is
// uploaded once. The page's image is the article's image, the
// collection's image and, when the product is created, its media. The
// SEO title and description go to the seo input of products and
// collections, and to the global title_tag and description_tag
// metafields of pages and articles.
//
// # Exactly once
//
// Every write sets the metafield igny8.content_id to "origin/id": the
// IGNY8 site's storage id (Adapter.Origin) and the content's id, so that
// another site's piece with the same id is never taken for this one.
// With no remote id in the record, Publish looks the object up by handle
// (the content's slug): one with IGNY8's marker for this content is
// adopted and updated, none is created, and one IGNY8 did not make is
// left alone with an EConflict error. Products are upserted by handle,
// so even two racing publishes make one product. A create whose answer
// is lost (network error, 5xx) is not resent by the client: the job's
// retry looks the object up first. A remote id whose object is gone is a
// permanent ENotFound error saying it was deleted in Shopify.
//
// # Sync
//
// Publish returns the version it wrote: Remote.Hash is Hash(title, body,
// summary) over what Shopify answers to the mutation (each mutation
// selects title, body or descriptionHtml, summary for articles, and
// updatedAt, so no second request), and Remote.Modified its updatedAt.
// Source reads the shop for publishing.Syncer: Changed lists pages,
// articles of every blog and products with updated_at after since (all
// when since is zero), in pages of 50 by cursor, and hashes them the same
// way, so an object nobody edited matches the record and an edit in the
// Shopify admin does not. Each becomes a RemoteObject: page → page,
// article → post (summary as excerpt), product → product; the handle as
// slug, the marker as ContentID, onlineStoreUrl or the address on the
// primary domain as URL. Missing reads each object by id (one request
// each), by the type in its global id or else its entity type, and
// reports a null answer as gone; it checks collections too. All is
// Changed since zero. Collections are published with a version but not
// listed by Changed, so an edit to one made in Shopify is not brought
// back, and an import brings in no collections. Product options,
// variants, images, tags and SEO fields are not part of the hash: an
// edit to them only is not seen.
//
// # Scopes
//
// RequiredScopes: write_products (products, collections),
// write_content (pages, blogs, articles; write_online_store_pages is
// accepted too) and write_files (images; write_images or write_themes
// also do). Check lists missing ones by name in an EInvalid error.
//
// # Limits, retries, errors
//
// Each answer's extensions.cost (requestedQueryCost, throttleStatus) is
// kept: before a request the client waits until the bucket, refilled at
// restoreRate since, holds what that operation cost last time; a
// THROTTLED answer (HTTP 200) is waited out for (cost − available) /
// restoreRate and resent. 429 and 5xx are retried with backoff and
// Retry-After, up to Config.MaxAttempts; waits honour ctx. Errors are
// *Error values with an igny8 code and a sentence for the site owner:
// 401 → EUnauthorized, 404 (unknown shop or version) → ENotFound, an
// answer in another API version (Shopify's fallback for an unsupported
// one) → EInvalid, userErrors → EInvalid naming each field. No error,
// log or print of a Client holds the token.
//
// # What is tested, and what is not
//
// Every operation the package sends (the operations list) is validated
// in tests against the real Admin API 2026-07 schema, the introspection
// file of @shopify/dev-mcp 1.16.0 in testdata, with no deprecated field
// or argument; the tests also check that RequiredScopes cover the
// requiredAccess the schema gives each root field. The fake shop of the
// tests answers only those operations, with variables that validate
// against their declared types, so every input object the adapter builds
// has been checked for shape, and it answers only the fields an
// operation selects, as GraphQL does. Nothing was run against a real shop
// (no network to Shopify here). Not verified: that Shopify answers a read
// with the same title and body HTML it answered the write with (the
// hashes depend on it; the fake tidies HTML on write, as Shopify may),
// that a null query lists every object, that updated_at:> compares to
// the second (the sync looks again over an overlap, and an unchanged
// hash is passed over), Shopify's search syntax for handle:"…" and
// filename:"…" matching exactly, productSet's treatment of the
// metafields list on update (it replaces list fields it is given),
// whether a staged upload needs fields beyond the ones Shopify returns,
// the exact text of Shopify's error bodies, and publication of new
// products and collections to the Online Store sales channel (not done:
// it needs write_publications and publishablePublish).
package shopify
