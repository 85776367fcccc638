-- The scheduler syncs every integration whose sync is enabled, across
-- accounts, as igny8_worker: it reads when each was last synced, and
-- nothing more of it.
GRANT SELECT (active, sync_enabled, sync_status, last_sync_at, updated_at) ON site_integrations TO igny8_worker;
