-- Two-way sync. A publishing record remembers what the destination held
-- when IGNY8 last wrote or read it (remote_hash, remote_modified), so a
-- sync can tell an edit made there from its own write; when both sides
-- changed, remote_version keeps the destination's version until someone
-- chooses which one to keep. Sync and import run as jobs.

ALTER TABLE publishing_records
  ADD COLUMN remote_hash     text NOT NULL DEFAULT '',
  ADD COLUMN remote_modified timestamptz,
  ADD COLUMN remote_version  jsonb,
  ADD COLUMN synced_at       timestamptz,
  ADD CONSTRAINT publishing_records_conflict_version CHECK ((sync_status = 'conflict') = (remote_version IS NOT NULL));
CREATE INDEX publishing_records_remote ON publishing_records (integration_id, remote_id) WHERE remote_id <> '';

ALTER TABLE ai_jobs DROP CONSTRAINT ai_jobs_kind_check;
ALTER TABLE ai_jobs ADD CONSTRAINT ai_jobs_kind_check CHECK (kind IN ('keyword_import', 'cluster', 'ideas', 'write',
  'image_prompts', 'images', 'publish', 'generate_site', 'link', 'optimize', 'distribute', 'sync', 'import'));
