package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/igny8/igny8"
	"github.com/igny8/igny8/postgres"
	"github.com/igny8/igny8/postgres/pgtest"
)

// newSite inserts, as the owner, an account with one site and returns a
// context acting for the account, and the site's id.
func newSite(t *testing.T, c *pgx.Conn, slug string) (context.Context, int64) {
	t.Helper()
	ctx := context.Background()
	var acc, site int64
	if err := c.QueryRow(ctx, `INSERT INTO accounts (slug, name) VALUES ($1, $1) RETURNING id`, slug).Scan(&acc); err != nil {
		t.Fatal(err)
	}
	if err := c.QueryRow(ctx, `INSERT INTO sites (account_id, slug, name) VALUES ($1, $2, $2) RETURNING id`, acc, slug).Scan(&site); err != nil {
		t.Fatal(err)
	}
	return igny8.WithActor(ctx, igny8.Actor{AccountID: acc, Role: igny8.RoleOwner}), site
}

func buildMessage(d *igny8.Deployment) postgres.OutboxMessage {
	p, _ := json.Marshal(map[string]int64{"deployment_id": d.ID})
	return postgres.OutboxMessage{Kind: "deployment:build", Queue: "critical", Payload: p}
}

func TestCreateDeploymentNumbersPerSiteAndRequestsWork(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	ctx, site := newSite(t, owner, "one")
	_, other := newSite(t, owner, "two")

	var ids []int64
	for want := 1; want <= 3; want++ {
		d := &igny8.Deployment{SiteID: site}
		if err := db.CreateDeployment(ctx, d, buildMessage); err != nil {
			t.Fatal(err)
		}
		if d.Version != want || d.Status != igny8.DeploymentQueued || d.Type != igny8.DeploymentBuild {
			t.Errorf("deployment %d: version %d, status %s, type %s; want version %d, queued, build", d.ID, d.Version, d.Status, d.Type, want)
		}
		ids = append(ids, d.ID)
	}
	// Another account's site is not found, and requests nothing.
	if err := db.CreateDeployment(ctx, &igny8.Deployment{SiteID: other}, buildMessage); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("deployment of another account's site: %v, want not_found", err)
	}

	rows, err := owner.Query(context.Background(), `SELECT kind, queue, (payload->>'deployment_id')::bigint FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type msg struct {
		kind, queue string
		id          int64
	}
	got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (msg, error) {
		var m msg
		return m, r.Scan(&m.kind, &m.queue, &m.id)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(ids) {
		t.Fatalf("outbox has %d rows, want one per deployment (%d)", len(got), len(ids))
	}
	for i, m := range got {
		if m.kind != "deployment:build" || m.queue != "critical" || m.id != ids[i] {
			t.Errorf("outbox row %d = %+v, want deployment:build on critical for deployment %d", i, m, ids[i])
		}
	}

	// Pages, newest first, by cursor.
	page1, err := db.Deployments(ctx, site, 0, 2)
	if err != nil {
		t.Fatal(err)
	}
	page2, err := db.Deployments(ctx, site, page1[len(page1)-1].ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	var listed []int64
	for _, d := range append(page1, page2...) {
		listed = append(listed, d.ID)
	}
	if want := fmt.Sprint([]int64{ids[2], ids[1], ids[0]}); fmt.Sprint(listed) != want {
		t.Errorf("pages list %v, want %s", listed, want)
	}
}

func TestDeploymentLifecycleRecordsADeployOnce(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	ctx, site := newSite(t, owner, "life")

	first := &igny8.Deployment{SiteID: site}
	second := &igny8.Deployment{SiteID: site}
	for _, d := range []*igny8.Deployment{first, second} {
		if err := db.CreateDeployment(ctx, d, nil); err != nil {
			t.Fatal(err)
		}
	}
	d, changed, err := db.StartDeployment(ctx, first.ID, 7)
	if err != nil || !changed || d.Status != igny8.DeploymentBuilding || *d.BlueprintVersion != 7 {
		t.Fatalf("start: %+v changed=%v err=%v; want building with blueprint 7", d, changed, err)
	}
	if err := db.DeploymentProgress(ctx, first.ID, igny8.DeployCounts{Files: 10, Bytes: 1000, UploadedFiles: 4, UploadedBytes: 400}); err != nil {
		t.Fatal(err)
	}
	if d, _ = db.Deployment(ctx, first.ID); d.Status != igny8.DeploymentUploading || d.UploadedFiles != 4 || d.Files != 10 {
		t.Errorf("after progress: status %s, %d/%d files; want uploading, 4/10", d.Status, d.UploadedFiles, d.Files)
	}
	counts := igny8.DeployCounts{Files: 10, Bytes: 1000, UploadedFiles: 10, UploadedBytes: 1000}
	if d, err = db.RecordDeploy(ctx, first.ID, "20260101T000000Z-aaaaaaaa", "http://preview/", counts); err != nil || d.Status != igny8.DeploymentReady {
		t.Fatalf("record: %+v, %v; want ready", d, err)
	}
	// A repeat of the same record is harmless; a second deploy for the
	// same build is refused and the first stands.
	if _, err := db.RecordDeploy(ctx, first.ID, "20260101T000000Z-aaaaaaaa", "http://preview/", counts); err != nil {
		t.Errorf("repeating the record: %v", err)
	}
	if _, err := db.RecordDeploy(ctx, first.ID, "20260101T000001Z-bbbbbbbb", "", counts); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("recording another deploy for the same build: %v, want conflict", err)
	}
	// Once a deploy is recorded, a retried job cannot restart the build.
	if _, changed, err := db.StartDeployment(ctx, first.ID, 8); err != nil || changed {
		t.Errorf("restarting a recorded build: changed=%v err=%v, want unchanged", changed, err)
	}
	// Another build cannot record the same deploy.
	if _, _, err := db.StartDeployment(ctx, second.ID, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RecordDeploy(ctx, second.ID, "20260101T000000Z-aaaaaaaa", "", counts); igny8.ErrorCode(err) != igny8.EConflict {
		t.Errorf("a second build recording the first's deploy: %v, want conflict", err)
	}

	if d, err = db.MarkDeploymentLive(ctx, first.ID); err != nil || d.Status != igny8.DeploymentLive || d.DeployedAt == nil {
		t.Fatalf("live: %+v, %v", d, err)
	}
	if _, err := db.MarkDeploymentLive(ctx, first.ID); err != nil {
		t.Errorf("marking live twice: %v", err)
	}
	// The second build goes live: the first is ready again.
	if _, err := db.RecordDeploy(ctx, second.ID, "20260101T000002Z-cccccccc", "", counts); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MarkDeploymentLive(ctx, second.ID); err != nil {
		t.Fatal(err)
	}
	if d, _ = db.Deployment(ctx, first.ID); d.Status != igny8.DeploymentReady {
		t.Errorf("first after second went live: %s, want ready", d.Status)
	}
	if v, err := db.DeployVersion(ctx, site, "20260101T000002Z-cccccccc"); err != nil || v != second.Version {
		t.Errorf("DeployVersion(second's deploy) = %d, %v; want %d", v, err, second.Version)
	}
	if v, err := db.DeployVersion(ctx, site, "20260101T000009Z-zzzzzzzz"); err != nil || v != 0 {
		t.Errorf("DeployVersion(unknown deploy) = %d, %v; want 0", v, err)
	}
	if d, err = db.FailDeployment(ctx, second.ID, "boom"); err != nil || d.Status != igny8.DeploymentLive {
		t.Errorf("failing a live deployment: %+v, %v; want it left live", d, err)
	}

	var rows int
	if err := owner.QueryRow(context.Background(), `SELECT count(*) FROM deployments WHERE deploy_id = '20260101T000000Z-aaaaaaaa'`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if rows != 1 {
		t.Errorf("%d rows record the deploy, want 1", rows)
	}
}

func TestDeploymentFailureAndRetryNote(t *testing.T) {
	db, url := pgtest.Open(t)
	ctx, site := newSite(t, ownerConn(t, url), "fail")
	d := &igny8.Deployment{SiteID: site}
	if err := db.CreateDeployment(ctx, d, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.NoteDeploymentError(ctx, d.ID, "storage unreachable; retrying"); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Deployment(ctx, d.ID)
	if got.Status != igny8.DeploymentQueued || got.Error != "storage unreachable; retrying" {
		t.Errorf("after a noted error: %s %q, want queued with the error", got.Status, got.Error)
	}
	if got, err := db.FailDeployment(ctx, d.ID, "invalid blueprint"); err != nil || got.Status != igny8.DeploymentFailed || got.Error != "invalid blueprint" {
		t.Errorf("fail: %+v, %v", got, err)
	}
	if _, changed, err := db.StartDeployment(ctx, d.ID, 1); err != nil || changed {
		t.Errorf("restarting a failed build: changed=%v err=%v, want unchanged", changed, err)
	}
}

// Another account sees none of it and changes none of it.
func TestDeploymentsOfAnotherAccount(t *testing.T) {
	db, url := pgtest.Open(t)
	owner := ownerConn(t, url)
	ctx, site := newSite(t, owner, "mine")
	them, _ := newSite(t, owner, "theirs")
	d := &igny8.Deployment{SiteID: site}
	if err := db.CreateDeployment(ctx, d, buildMessage); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Deployment(them, d.ID); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("Deployment from another account: %v, want not_found", err)
	}
	if list, err := db.Deployments(them, site, 0, 10); igny8.ErrorCode(err) != igny8.ENotFound || len(list) != 0 {
		t.Errorf("Deployments from another account: %d rows, %v; want none, not_found (the site is not theirs)", len(list), err)
	}
	if _, _, err := db.StartDeployment(them, d.ID, 1); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("StartDeployment from another account: %v, want not_found", err)
	}
	if _, err := db.FailDeployment(them, d.ID, "x"); igny8.ErrorCode(err) != igny8.ENotFound {
		t.Errorf("FailDeployment from another account: %v, want not_found", err)
	}
	if got, _ := db.Deployment(ctx, d.ID); got.Status != igny8.DeploymentQueued {
		t.Errorf("status %s after another account's attempts, want queued", got.Status)
	}
}
