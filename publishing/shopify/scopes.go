package shopify

// requiredScopes are the access scopes the adapter needs, each as the
// alternatives that grant it (the first is the one to ask for), as the
// schema's requiredAccess notes give them: write_products for products
// and collections, write_content for pages, blogs and articles, and
// write_files for uploading images (a write scope grants its read scope).
var requiredScopes = [][]string{
	{"write_products"},
	{"write_content", "write_online_store_pages"},
	{"write_files", "write_images", "write_themes"},
}
