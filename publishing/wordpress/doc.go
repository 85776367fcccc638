// Package wordpress talks to one WordPress site through its REST API (v2)
// with an Application Password: it checks a connection before IGNY8
// stores it, and reads the site's collections page by page. Publishing
// itself comes in later steps, on top of the same Client.
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
// # Tests
//
// The tests run against httptest stubs that answer as WordPress does
// (above), not against a real WordPress; a later step adds tests against
// a real WordPress, selected by an environment variable.
package wordpress
