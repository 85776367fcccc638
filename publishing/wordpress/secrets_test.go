package wordpress_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/publishing/wordpress"
)

// Whatever goes wrong, and even when a hostile site repeats the
// credentials it received in its error messages, the password shows up
// in no error and no log line.
func TestPasswordNeverLeaks(t *testing.T) {
	t.Parallel()
	otherPassword := editorUser
	otherPassword.password = "zzzzYYYYxxxxWWWWvvvvUUUU"
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()

	type op func(context.Context, *wordpress.Client) error
	check := func(ctx context.Context, c *wordpress.Client) error { _, err := c.Check(ctx); return err }
	fetch := func(ctx context.Context, c *wordpress.Client) error {
		_, err := c.FetchAll(ctx, "/wp/v2/posts", nil)
		return err
	}
	for _, tc := range []struct {
		name     string
		fake     *fakeWP
		tls      bool
		username string
		do       op
	}{
		{"wrong password", &fakeWP{users: []fakeUser{otherPassword}}, true, "", check},
		{"unknown user", &fakeWP{}, true, "nobody", check},
		{"unknown email", &fakeWP{}, true, "nobody@example.com", check},
		{"turned off for the user", &fakeWP{users: []fakeUser{{id: 7, login: "eve", password: "x", appPasswordsOff: true, roles: []string{"editor"}}}}, true, "", check},
		{"stripped header", &fakeWP{stripAuth: true}, true, "", check},
		{"plain HTTP", &fakeWP{noAppPasswords: true}, false, "", check},
		{"REST disabled", &fakeWP{restDisabled: true}, true, "", check},
		{"signed-in only, wrong password", &fakeWP{signedInOnly: true, users: []fakeUser{otherPassword}}, true, "", check},
		{"fatal error", &fakeWP{meStatus: 500}, true, "", check},
		{"missing capabilities", &fakeWP{users: []fakeUser{contributorUser}}, true, "connie", check},
		{"paging with a wrong password", &fakeWP{users: []fakeUser{otherPassword}, posts: 5}, true, "", fetch},
		{"unreachable", nil, false, "", check},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b *testBundle
			if tc.fake == nil {
				b = setup(t, &fakeWP{}, false, func(c *wordpress.Config) { c.SiteURL = closed.URL })
			} else {
				tc.fake.echo = true
				b = setup(t, tc.fake, tc.tls, func(c *wordpress.Config) {
					if tc.username != "" {
						c.Username = tc.username
					}
				})
			}
			err := tc.do(context.Background(), b.client)
			if err == nil {
				t.Fatal("no error")
			}
			assertNoSecret(t, "Error()", err.Error())
			assertNoSecret(t, "%+v", fmt.Sprintf("%+v", err))
			assertNoSecret(t, "%#v", fmt.Sprintf("%#v", err))
			assertNoSecret(t, "igny8.ErrorMessage", igny8.ErrorMessage(err))
			if ce, ok := err.(*wordpress.CheckError); ok && ce.Err != nil {
				assertNoSecret(t, "the cause", ce.Err.Error())
			}
			assertNoSecret(t, "the log", b.log.String())
			assertNoSecret(t, "the client", b.client.String())
		})
	}
}
