package api

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
)

// fakeConnector refuses the password "wrong" as WordPress would, and
// seals credentials as a marker the tests can recognise.
type fakeConnector struct{}

func (fakeConnector) Check(ctx context.Context, platform, url string, config json.RawMessage, creds map[string]string) error {
	if creds["application_password"] == "wrong" {
		return igny8.Errorf(igny8.EInvalid, "WordPress at %s refused the user name or Application Password.", url)
	}
	return nil
}

func (fakeConnector) Seal(creds map[string]string) igny8.Sealer {
	return func(acc, id int64) (*igny8.SealedCredentials, error) {
		var b strings.Builder
		for _, v := range creds {
			b.WriteString(v)
		}
		return &igny8.SealedCredentials{Ciphertext: fmt.Appendf(nil, "sealed:%d/%d:%s", acc, id, b.String()), KeyID: 1,
			Fingerprint: fmt.Sprintf("k1:%x", len(b.String()))}, nil
	}
}

// CheckStored fails when the sealed credentials hold the password
// "revoked", as a site that revoked it would.
func (fakeConnector) CheckStored(ctx context.Context, in *igny8.Integration, sealed *igny8.SealedCredentials) error {
	if !strings.HasPrefix(string(sealed.Ciphertext), fmt.Sprintf("sealed:%d/%d:", in.AccountID, in.ID)) {
		return fmt.Errorf("credentials of integration %d are not sealed for it: %q", in.ID, sealed.Ciphertext)
	}
	if strings.Contains(string(sealed.Ciphertext), "revoked") {
		return igny8.Errorf(igny8.EInvalid, "WordPress at %s refused the Application Password: it was revoked.", in.URL)
	}
	return nil
}

// wordpressIntegration is a valid request to connect a WordPress site.
func wordpressIntegration(url string) integrationRequest {
	return integrationRequest{Platform: igny8.PlatformWordPress, Name: "Blog", URL: url,
		Credentials: map[string]string{"username": "editor", "application_password": "abcd efgh ijkl mnop"}}
}

// integrationObjects gives a tenant an integration, and a publishing
// record of its content piece there.
func (h *harness) integrationObjects(tn *tenant) {
	h.t.Helper()
	h.must(201, tn.tokens[igny8.RoleOwner], "POST", fmt.Sprintf("/v1/sites/%d/integrations", tn.site.ID),
		wordpressIntegration("https://"+tn.slug+".blog.example"), &tn.integration)
	ctx := igny8.WithActor(context.Background(), igny8.Actor{AccountID: tn.integration.AccountID})
	rec, err := h.db.PublishingRecord(ctx, tn.site.ID, tn.content.ID, tn.integration.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	tn.record = *rec
	h.hooks.add(tn.integration, []byte(tn.slug+"-webhook-secret"))
}

// fakeResolver finds the record as the real one does (so another
// account's is not found) and has nothing to resolve: the harness's
// records are never in conflict.
type fakeResolver struct{ db *postgres.DB }

func (f fakeResolver) Resolve(ctx context.Context, siteID, recordID int64, keep string) (*igny8.PublishingRecord, error) {
	rec, err := f.db.SyncRecord(ctx, siteID, recordID)
	if err != nil {
		return nil, err
	}
	return nil, igny8.Errorf(igny8.EConflict, "Content %d is %s on this integration: there is nothing to resolve.", rec.ContentID, rec.SyncStatus)
}
