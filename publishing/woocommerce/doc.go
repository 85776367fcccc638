// Package woocommerce publishes product content to WooCommerce through
// its REST API (wc/v3) on a WordPress site, signed in as the WordPress
// package signs in (an Application Password: WooCommerce accepts any
// user WordPress has already authenticated), so every request goes
// through wordpress.Client.Do with its URL forms, redaction, retries and
// error codes.
//
// Client reads and writes products (simple and variable, with
// attributes and variations), product categories (created or reused like
// WordPress terms: WooCommerce answers a duplicate name with term_exists
// and the existing id in data.resource_id) and global attributes. The
// Adapter is a publishing.Destination for product content: name, slug,
// regular_price (blueprints.Product.Price), sku, stock_status (from the
// schema.org availability), description (markup.HTML), short_description
// (the excerpt), images (uploaded once to the media library by
// wordpress.Client.EnsureMedia, the featured one first) and categories
// (the piece's Refs.Categories). It writes simple products: a blueprint
// page describes one price, so variable products are for callers that
// build them with Client.
//
// Exactly once: each product carries meta_data _igny8_content_id; without
// a recorded id Publish looks the slug up (status any) and adopts the
// product that carries the marker for the piece, refuses (conflict) one
// that does not, and reports a recorded product that is gone or in the
// trash as not_found.
//
// # Tests
//
// WooCommerce is not packaged by Debian, so unlike package wordpress
// nothing here ran against a real WooCommerce. The tests use an
// httptest stub written from WooCommerce's REST API documentation
// (woocommerce.github.io/woocommerce-rest-api-docs, "Products",
// "Product variations", "Product attributes", "Product categories") and
// its controllers (WC_REST_Products_Controller, WC_REST_Terms_Controller:
// term_exists with resource_id; a deleted product answers 404
// woocommerce_rest_product_invalid_id, a trashed one status "trash").
package woocommerce
