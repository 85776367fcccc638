-- publishing_records: one row per content piece and destination (an
-- integration): where it was published, as what remote object, from which
-- version of the content (its hash), and how the last attempt went. The
-- publisher finds a piece's row before it writes anywhere, so a retried
-- or redelivered publish updates the remote object it made instead of
-- making a second one.

CREATE TABLE publishing_records (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id     bigint NOT NULL,
  site_id        bigint NOT NULL,
  content_id     bigint NOT NULL,
  integration_id bigint NOT NULL,
  status         text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'published', 'failed')),
  remote_id      text NOT NULL DEFAULT '',
  remote_url     text NOT NULL DEFAULT '',
  content_hash   text NOT NULL DEFAULT '',
  sync_status    text NOT NULL DEFAULT 'in_sync' CHECK (sync_status IN ('in_sync', 'local_changes', 'remote_changes', 'conflict', 'remote_deleted')),
  attempts       integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  last_error     text NOT NULL DEFAULT '',
  published_at   timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id, content_id) REFERENCES contents(account_id, site_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, site_id, integration_id) REFERENCES site_integrations(account_id, site_id, id) ON DELETE CASCADE,
  UNIQUE (content_id, integration_id)
);
CREATE INDEX publishing_records_integration ON publishing_records (account_id, site_id, integration_id, id);

ALTER TABLE publishing_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE publishing_records FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON publishing_records USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON publishing_records TO igny8_app;
