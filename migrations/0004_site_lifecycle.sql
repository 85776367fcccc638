-- Site lifecycle: storage that is never reused, deletion that stops serving
-- and purges later, custom domains that only a verification reserves, and
-- each site's own asset library.

-- storage_id names the site's objects (bucket igny8-site-<storage_id>, or
-- the prefix sites/<storage_id>/). Sites made before this migration keep
-- their slug, which is where their deploys already are; new sites get a
-- random id, so a freed slug taken by another site starts with empty
-- storage.
ALTER TABLE sites ADD COLUMN storage_id text;
UPDATE sites SET storage_id = slug;
ALTER TABLE sites ALTER COLUMN storage_id SET NOT NULL;
ALTER TABLE sites ALTER COLUMN storage_id SET DEFAULT substr(replace(gen_random_uuid()::text, '-', ''), 1, 16);
ALTER TABLE sites ADD CONSTRAINT sites_storage_id_key UNIQUE (storage_id);
ALTER TABLE sites ADD CONSTRAINT sites_storage_id_check CHECK (storage_id ~ '^[a-z0-9]([a-z0-9-]{0,50}[a-z0-9])?$');
-- igny8.CheckSiteSlug: at most 36 characters (the slug ends each preview
-- host's DNS label) and no "--" (which separates a preview host's deploy id
-- from its slug). Existing rows are left as they are.
ALTER TABLE sites ADD CONSTRAINT sites_slug_rule CHECK (length(slug) <= 36 AND position('--' in slug) = 0) NOT VALID;

-- site_deletions: what is left to do for a deleted site. Its routes are
-- removed and its live pointer replaced by a tombstone at once (retried
-- until routes_removed_at is set); its objects are deleted after
-- purge_after. The row outlives the site, so it has no foreign key to it.
CREATE TABLE site_deletions (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id        bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  site_id           bigint NOT NULL,
  slug              text NOT NULL,
  storage_id        text NOT NULL UNIQUE,
  hosts             text[] NOT NULL DEFAULT '{}', -- every host that routed to the site
  deleted_by        bigint REFERENCES users(id) ON DELETE SET NULL,
  deleted_at        timestamptz NOT NULL DEFAULT now(),
  purge_after       timestamptz NOT NULL,
  routes_removed_at timestamptz,
  purged_at         timestamptz,
  attempts          integer NOT NULL DEFAULT 0,
  last_error        text NOT NULL DEFAULT ''
);
CREATE INDEX site_deletions_pending ON site_deletions (purge_after) WHERE purged_at IS NULL;
CREATE INDEX site_deletions_account ON site_deletions (account_id, id);

-- Domains: an unverified claim reserves nothing; only a verified one is
-- unique. A site claims a host once.
ALTER TABLE domains DROP CONSTRAINT domains_hostname_key;
CREATE UNIQUE INDEX domains_verified_hostname ON domains (hostname) WHERE verified;
CREATE UNIQUE INDEX domains_site_hostname ON domains (site_id, hostname);
CREATE INDEX domains_hostname ON domains (hostname);

-- site_assets: a site's own files (images, fonts, documents) that its
-- blueprint refers to by path. The bytes are in the site's storage,
-- content-addressed: media/sha256/<aa>/<sha256>.
CREATE TABLE site_assets (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id   bigint NOT NULL,
  site_id      bigint NOT NULL,
  path         text NOT NULL CHECK (length(path) BETWEEN 1 AND 512 AND path !~ '(^/|/$|//|\\)'),
  sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size         bigint NOT NULL CHECK (size >= 0),
  content_type text NOT NULL,
  created_by   bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  UNIQUE (site_id, path)
);
CREATE INDEX site_assets_account ON site_assets (account_id, site_id, path);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['site_deletions', 'site_assets']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id())', t);
  END LOOP;
END
$$;

-- The scheduler finishes deletions across accounts, and reconciles the
-- routes of verified domains.
CREATE POLICY finish ON site_deletions FOR SELECT TO igny8_worker USING (true);
CREATE POLICY finish_update ON site_deletions FOR UPDATE TO igny8_worker USING (true) WITH CHECK (true);
-- (Reading every claim is also what lets the transfer below see the row it
-- leaves unverified: an UPDATE's new row must pass the SELECT policies.)
CREATE POLICY routes ON domains FOR SELECT TO igny8_worker USING (true);
-- A verification that proves a host for one account takes it from the
-- account that held it: the only cross-account write to domains, and it can
-- only unverify.
CREATE POLICY transfer ON domains FOR UPDATE TO igny8_worker USING (verified) WITH CHECK (NOT verified);

GRANT SELECT, INSERT ON site_deletions TO igny8_app;
GRANT SELECT, UPDATE ON site_deletions TO igny8_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON site_assets TO igny8_app;
GRANT SELECT, UPDATE ON domains TO igny8_worker;
-- igny8 deploy with DATABASE_URL makes a site the database does not know
-- in the system account, which it finds as igny8_worker.
GRANT SELECT (is_system) ON accounts TO igny8_worker;
