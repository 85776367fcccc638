// Package wordpress talks to one WordPress site through its REST API (v2)
// with an Application Password: it checks a connection before IGNY8
// stores it, publishes content pieces (Adapter, a publishing.Destination),
// and reads what sync and import need.
//
// # Connecting
//
// New takes the site's address, a user name and an Application Password,
// and the *http.Client to use (in production the SSRF-safe one from
// safehttp; in tests one that reaches httptest servers). Check then:
//
//  1. finds the REST API: {site}/wp-json/ first, then {site}/?rest_route=/
//     (sites on plain permalinks route only the second), then the
//     address the home page announces in its Link header;
//  2. reads the REST index: the site's name, description, addresses,
//     time zone, namespaces (wp/v2, WooCommerce's wc/v3) and whether
//     Application Passwords are offered;
//  3. signs in with HTTP Basic authentication and reads
//     /wp/v2/users/me?context=edit: who the user is, and whether they may
//     write, publish and upload.
//
// Every failure is a *CheckError whose Problem is a stable code (the
// Problem… constants) and whose Message says, in words a site owner can
// act on, what went wrong and how to fix it. The Client remembers which
// URL form works, so later requests go straight there.
//
// The password stays inside the Client: it is sent only in the
// Authorization header, never over plain HTTP unless the site itself
// says it accepts Application Passwords there, never along a redirect,
// and never in an error message, a log line or String.
//
// # What was taken from where
//
// The wire format follows WordPress's own documentation and source; the
// stubs in the tests speak it:
//
//   - Discovery, the two URL forms and the Link header
//     (Link: <https://example.com/wp-json/>; rel="https://api.w.org/",
//     or <…/?rest_route=/> on plain permalinks): the REST API Handbook,
//     "Discovery" (developer.wordpress.org/rest-api/using-the-rest-api/discovery/),
//     and rest_output_link_header().
//   - The index's fields (name, description, url, home, gmt_offset,
//     timezone_string, namespaces, authentication): WP_REST_Server::get_index().
//     "authentication" starts as a PHP array(), so it is [] in JSON when
//     no method is registered and an object otherwise; gmt_offset comes
//     from get_option and may be a string ("5.5") or a number.
//   - "authentication": {"application-passwords": {"endpoints":
//     {"authorization": …}}} is added by rest_add_application_passwords_to_index()
//     only when wp_is_application_passwords_available(), which by default
//     is is_ssl() || wp_get_environment_type() === 'local'
//     (wp_is_application_passwords_supported(), WordPress 5.9).
//   - Sign-in: wp_validate_application_password() ignores Basic
//     credentials silently when Application Passwords are unavailable or
//     when PHP never saw them (PHP_AUTH_USER/PHP_AUTH_PW unset: the
//     header was stripped), so users/me then answers 401
//     rest_not_logged_in, "You are not currently logged in."
//     (WP_REST_Users_Controller::get_current_item()). Wrong credentials
//     are reported on every REST request by
//     rest_application_password_check_errors() with status 401 and the
//     codes of wp_authenticate_application_password(): invalid_username,
//     invalid_email, incorrect_password,
//     application_passwords_disabled(_for_user). That function strips
//     every non-alphanumeric character from the password, so the spaces
//     WordPress shows it with do not matter.
//   - The Authorization-header fix (SetEnvIf / CGIPassAuth on Apache with
//     PHP as CGI or FastCGI): Site Health's "Authorization header" test
//     (WP_Site_Health::get_test_authorization_header()) and the REST API
//     FAQ, "Why is authentication not working?".
//   - users/me with context=edit returns username, roles and capabilities
//     (the user's allcaps, {"edit_posts": true, …}, again [] when empty):
//     the users schema, WP_REST_Users_Controller::get_item_schema().
//   - Errors are {"code": …, "message": …, "data": {"status": …}}
//     (WP_REST_Server::error_to_response()); an unknown route is 404
//     rest_no_route. Plugins that switch the REST API off answer through
//     the rest_authentication_errors filter with codes such as
//     rest_disabled, rest_forbidden, rest_cannot_access or
//     rest_login_required and status 401 or 403.
//   - Paging: per_page is 1 to 100, and every collection answers with
//     X-WP-Total and X-WP-TotalPages (REST API Handbook, "Pagination").
//
// # Requests
//
// Do and Upload send any signed-in request in the URL form the site
// uses. A refusal is an *APIError carrying an *igny8.Error when retrying
// cannot help: 401 unauthorized, 403 forbidden, 404 and 410 not_found,
// 409 conflict, any other 4xx invalid (a rest_invalid_param names its
// parameters). 429 and 5xx are retryable: they are tried again, up to
// Config.MaxAttempts, after the Retry-After WordPress sends (a longer
// wait than Config.MaxRetryWait ends the request, with RetryAfter set);
// a POST is tried again only after a 429, since any other failure may
// come after WordPress stored it.
//
// # Publishing
//
// The Adapter writes posts to wp/v2/posts, pages and service pages to
// wp/v2/pages and taxonomy content to a category (name, slug, and the
// page as its description); products go to package woocommerce. For a
// post it:
//
//  1. uploads each image the page shows (markup.Assets) unless the media
//     library has it: uploads are named igny8-<first 16 hex digits of the
//     file's SHA-256>, and looked up by that slug first, so a retry or a
//     crash never uploads twice; alt_text and title are the asset's
//     alternative text;
//  2. renders the blocks with markup.Gutenberg (AdapterConfig.Format
//     "gutenberg", the default) or markup.HTML ("html"), links pointing
//     where Refs.Link says and images at their uploads;
//  3. files posts under Refs.Categories and the page's tags, creating
//     missing terms: looked up by slug first, and a create that loses a
//     race is answered by WordPress with 400 term_exists and the term's
//     id in data.term_id, which is then used;
//  4. writes title, slug, content, excerpt, status (AdapterConfig's
//     default, draft for a draft page, future for a page dated later),
//     date_gmt, featured_media, categories and tags, and the SEO title
//     and description under the meta keys of Yoast SEO
//     (_yoast_wpseo_title, _yoast_wpseo_metadesc), Rank Math
//     (rank_math_title, rank_math_description) or SEOPress
//     (_seopress_titles_title, _seopress_titles_desc) when the post
//     type's REST schema (OPTIONS on its route, read once) registers
//     them. Core WordPress has no place for an SEO title or description,
//     and the plugins do not all expose their keys to the REST API; where
//     none is registered, nothing is written.
//
// Exactly once: the content starts with the marker <!-- igny8:content=ID -->.
// Without a recorded remote id, Publish looks the slug up (context=edit,
// every status but trash) and updates the post that carries the marker
// for the piece; a post with the slug but not the marker is someone
// else's, a conflict whose message says what to do. With a recorded id
// it updates that post, unless it is gone or in the trash (not_found,
// "deleted in WordPress"; it is never taken out of the trash). The
// marker matters only in the window between writing a post and recording
// its id; the block editor may drop it once someone edits the post,
// which is harmless then.
//
// Publish returns the post's id, link, modified_gmt and RemoteHash (of
// title.raw, content.raw without the marker, and excerpt.raw, as
// WordPress stored them), so that a sync can tell a post edited in
// WordPress since: ModifiedAfter lists posts or pages changed after a
// time, Post reads one (a *DeletedError when it is gone or trashed),
// Posts, Terms and Media read what an import brings in.
//
// # Tests
//
// Stubs (httptest servers that answer as WordPress does, above) cover
// what a real server will not do on demand: every error status and its
// code, 429 with Retry-After, a 500 then success, a POST not retried
// after a 500, a term created by someone else between look-up and create
// (term_exists), a 401 in the middle of a publish, a trashed and a
// deleted post, a slug held by another post or another piece, SEO meta
// keys, scheduled and draft statuses, pages and categories, both URL
// forms, and the connection check's every failure.
//
// The real WordPress of scripts/wordpress.sh (Debian's wordpress 6.1,
// MariaDB, PHP, WP_ENVIRONMENT_TYPE=local; package wptest) runs, in both
// URL forms: a post with two categories, two tags and two images (PNGs
// made by the test) published, read back (RemoteHash equal, featured
// image and alt text there), published again with and without its record
// (the same post, no new media or terms), edited through the REST API
// (ModifiedAfter lists it, RemoteHash differs), trashed and deleted
// (both detected); a page whose slug another page holds (conflict);
// WordPress's own rest_invalid_param, 404, 401 and term_exists. No SEO
// plugin is installed there, so the meta keys are tested on stubs only.
// Those tests render with a stand-in for markup, whose renderer is
// written separately; the Adapter uses markup's own otherwise.
package wordpress
