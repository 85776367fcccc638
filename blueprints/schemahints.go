package blueprints

// The sentences below say, in a site owner's words, what a place in the
// schemas accepts. They are keyed by schema location (after schemaBase). A
// test checks that every pattern in the schemas has one, since a regular
// expression means nothing to the people who write blueprints.

// schemaHints are whole phrases, used as they are: "`base_url` must be
// <hint>".
var schemaHints = map[string]string{
	"blueprint.json#":                                                                           `an object with "version", "site", "theme" and "pages"`,
	"blueprint.json#/properties/version":                                                        "1 (the blueprint format version)",
	"blueprint.json#/properties/site":                                                           `the site's settings, an object such as {"name": "Crumb & Co.", "base_url": "https://example.com/", "locale": "en"}`,
	"blueprint.json#/properties/site/properties/base_url":                                       "an absolute https:// or http:// URL such as https://example.com/ (the site's address: scheme and host, ending in /)",
	"blueprint.json#/properties/theme":                                                          `the theme, an object such as {"name": "studio"}`,
	"blueprint.json#/properties/seo/properties/title_template":                                  `text with %s once, where the page title goes, and no other %, such as "%s · Crumb & Co."`,
	"blueprint.json#/properties/seo/properties/twitter":                                         "an @handle such as @crumbandco (up to 15 letters, digits or _)",
	"blueprint.json#/properties/seo/properties/organization/properties/type":                    "a schema.org type name such as Organization, LocalBusiness or Bakery",
	"blueprint.json#/properties/seo/properties/organization/properties/url":                     "an absolute https:// or http:// URL such as https://example.com/",
	"blueprint.json#/properties/seo/properties/organization/properties/email":                   "an email address such as hello@example.com",
	"blueprint.json#/properties/seo/properties/organization/properties/same_as/items":           "the https:// address of a profile page, such as https://www.instagram.com/crumbandco",
	"blueprint.json#/properties/theme/properties/tokens/properties/colors/additionalProperties": "a colour written #rrggbb, such as #1e3a8a",
	"blueprint.json#/properties/assets/additionalProperties":                                    `an asset: {"path": "assets/logo.svg"} or {"data": "<base64>", "type": "image/png"}`,
	"blueprint.json#/$defs/lang":                                                                `a language code such as "en" or "en-US"`,
	"blueprint.json#/$defs/date":                                                                `a date written YYYY-MM-DD, such as "2026-05-01", or an RFC 3339 time such as "2026-05-01T09:30:00Z"`,
	"blueprint.json#/$defs/path":                                                                `"/" or lowercase segments each ending in "/", like "/about/" or "/blog/first-post/"`,
	"blueprint.json#/$defs/redirectFrom":                                                        "a path starting with /, in printable ASCII without spaces or backslashes; URL-encode other characters, as in /caf%C3%A9",
	"blueprint.json#/$defs/redirectTo":                                                          "a path starting with / or an http(s) URL, in printable ASCII without spaces or backslashes; URL-encode other characters",
	"blueprint.json#/$defs/navItem":                                                             `a menu item, an object such as {"label": "Menu", "href": "page:menu"}`,
	"blueprint.json#/$defs/navLeaf":                                                             `a menu item, an object such as {"label": "Menu", "href": "page:menu"}`,
	"blueprint.json#/$defs/redirect":                                                            `a redirect rule, an object such as {"from": "/old-page", "to": "/new-page/"}`,
	"blueprint.json#/$defs/collection":                                                          `a listing page, an object such as {"path": "/blog/", "title": "Journal"}`,
	"blueprint.json#/$defs/page":                                                                `a page, an object such as {"id": "about", "path": "/about/", "type": "page", "title": "About us", "blocks": []}`,
	"blueprint.json#/$defs/page/properties/product/properties/price":                            `a price with up to two decimals and no currency sign, such as "12" or "12.50"`,
	"blueprint.json#/$defs/page/properties/product/properties/currency":                         `a three-letter currency code in capitals, such as "EUR" or "USD"`,
	"blueprint.json#/$defs/page/properties/seo/properties/canonical":                            "an absolute https:// or http:// URL such as https://example.com/about/",
	"blueprint.json#/$defs/block":                                                               `a block, an object such as {"id": "intro", "type": "richtext", "v": 1, "props": {"markdown": "Hello"}}`,
	"blueprint.json#/$defs/block/properties/type":                                               `a block type name such as "hero" or "richtext"`,
	"blueprint.json#/$defs/block/properties/v":                                                  "a whole number (the block type's version)",
	"blueprint.json#/$defs/block/properties/props":                                              "an object with the block's content (its props)",
	"defs.json#/$defs/id":                                                                       `an id of lowercase letters, digits and dashes, starting with a letter or digit, such as "opening-hours"`,
	"defs.json#/$defs/link":                                                                     "a link: page:<page-id>, page:<page-id>#anchor, #anchor, or an http://, https://, mailto: or tel: URL",
	"defs.json#/$defs/image":                                                                    `an image, an object such as {"asset": "hero", "alt": "Fresh bread on a table"}`,
	"defs.json#/$defs/action":                                                                   `a button, an object such as {"label": "Order now", "href": "page:menu"}`,
	"blocks/contact.v1.json#/properties/endpoint":                                               "an https:// URL that receives the form, such as https://formspree.io/f/xyzabcd",
	"blocks/contact.v1.json#/properties/fields/items/properties/name":                           `a field name of lowercase letters, digits and _, starting with a letter, such as "first_name"`,
	"blocks/contact.v1.json#/properties/details/properties/email":                               "an email address such as hello@example.com",
	"blocks/video.v1.json#/then/properties/video_id":                                            `a Vimeo video id: the 6 to 12 digits at the end of the video's address, such as "76979871"`,
	"blocks/video.v1.json#/else/properties/video_id":                                            `a YouTube video id: the 6 to 20 letters, digits, - or _ after v= in the video's address, such as "dQw4w9WgXcQ"`,
}

// schemaNouns name a kind of text; the length limits of the place that
// uses it are added: "Markdown text of at most 2000 characters".
var schemaNouns = map[string]string{
	"defs.json#/$defs/markdown": "Markdown text",
}

// requiredWhen says when a conditionally required property is required,
// keyed by the location of the "then" that requires it.
var requiredWhen = map[string]string{
	"blocks/contact.v1.json#/properties/fields/items/then": `when "type" is "select"`,
}

// oneOfSentences explain the alternatives of a oneOf.
var oneOfSentences = map[string]string{
	"blueprint.json#/properties/assets/additionalProperties": `must have either "path" (a file next to the blueprint, such as "assets/logo.svg") or "data" (the file in base64) with its "type", not both`,
}

// formatPhrases describe the JSON Schema formats a schema may assert.
var formatPhrases = map[string]string{
	"uri":           "an absolute URL such as https://example.com/",
	"uri-reference": "a URL or a path such as https://example.com/ or /about/",
	"email":         "an email address such as hello@example.com",
	"date":          `a date written YYYY-MM-DD, such as "2026-05-01"`,
	"date-time":     `an RFC 3339 time such as "2026-05-01T09:30:00Z"`,
	"hostname":      "a host name such as example.com",
	"ipv4":          "an IPv4 address such as 192.0.2.1",
	"ipv6":          "an IPv6 address such as 2001:db8::1",
	"uuid":          "a UUID such as 123e4567-e89b-12d3-a456-426614174000",
}
