-- site_integrations: the other platforms a site publishes to or syncs
-- with (a WordPress site, a Shopify store, a custom API). Credentials are
-- stored only as ciphertext sealed by the application's key ring (the
-- secrets package), bound to the account and the integration; the key id
-- says which key sealed them, for rotation, and the fingerprint is what
-- the API shows instead of the credential.

CREATE TABLE site_integrations (
  id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id              bigint NOT NULL,
  site_id                 bigint NOT NULL,
  platform                text NOT NULL CHECK (platform IN ('wordpress', 'shopify', 'custom')),
  platform_type           text NOT NULL CHECK (platform_type IN ('cms', 'ecommerce', 'custom_api')),
  name                    text NOT NULL CHECK (name <> '' AND length(name) <= 100),
  url                     text NOT NULL CHECK (url ~ '^https?://'),
  config                  jsonb NOT NULL DEFAULT '{}',
  credentials             bytea,
  credentials_key_id      bigint,
  credentials_fingerprint text NOT NULL DEFAULT '',
  active                  boolean NOT NULL DEFAULT true,
  sync_enabled            boolean NOT NULL DEFAULT false,
  last_sync_at            timestamptz,
  sync_status             text NOT NULL DEFAULT 'never' CHECK (sync_status IN ('never', 'syncing', 'ok', 'error')),
  last_error              text NOT NULL DEFAULT '',
  created_at              timestamptz NOT NULL DEFAULT now(),
  updated_at              timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  UNIQUE (account_id, site_id, id),
  UNIQUE (site_id, platform, url),
  CHECK ((credentials IS NULL) = (credentials_key_id IS NULL))
);
CREATE INDEX site_integrations_site ON site_integrations (account_id, site_id, id);
CREATE INDEX site_integrations_key ON site_integrations (credentials_key_id) WHERE credentials IS NOT NULL;

ALTER TABLE site_integrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE site_integrations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant ON site_integrations USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id());

GRANT SELECT, INSERT, UPDATE, DELETE ON site_integrations TO igny8_app;
