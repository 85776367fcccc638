package wordpress_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/igny8/igny8/publishing/wordpress"
)

// testBundle is a client against a fake site, with what it logged.
type testBundle struct {
	fake   *fakeWP
	srv    *httptest.Server
	client *wordpress.Client
	log    *syncBuffer
}

// setup starts fake (over HTTPS when tls) and a client for user eve with
// testPassword; cfg, if given, adjusts the client's Config first.
func setup(t *testing.T, fake *fakeWP, tls bool, cfg ...func(*wordpress.Config)) *testBundle {
	t.Helper()
	if fake.users == nil {
		fake.users = []fakeUser{editorUser}
	}
	srv := fake.start(t, tls)
	log := &syncBuffer{}
	c := wordpress.Config{
		SiteURL:    srv.URL,
		Username:   editorUser.login,
		Password:   testPassword,
		HTTPClient: srv.Client(),
		Logger:     slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range cfg {
		f(&c)
	}
	client, err := wordpress.New(c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("client log:\n%s", log.String())
		}
	})
	return &testBundle{fake: fake, srv: srv, client: client, log: log}
}

// checkErr asserts that err is a *wordpress.CheckError and returns it.
func checkErr(t *testing.T, err error) *wordpress.CheckError {
	t.Helper()
	var ce *wordpress.CheckError
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v (%T), want a *wordpress.CheckError", err, err)
	}
	return ce
}

// assertNoSecret fails if any form of testPassword shows up in s.
func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	bare := strings.ReplaceAll(testPassword, " ", "")
	secrets := []string{testPassword, bare, url.QueryEscape(testPassword), url.PathEscape(testPassword)}
	for _, login := range []string{"eve", "arthur", "connie", "nobody", "eve@example.com", "nobody@example.com"} {
		for _, p := range []string{testPassword, bare} {
			secrets = append(secrets, base64.StdEncoding.EncodeToString([]byte(login+":"+p)))
		}
	}
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			t.Errorf("%s holds the password (%q): %s", what, secret, s)
		}
	}
}

// syncBuffer is a bytes.Buffer that handlers may write concurrently.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
