-- The control plane: plans, accounts, users, memberships, API tokens, sites,
-- sectors, domains, blueprints, pages, deployments, audit log, outbox and
-- idempotency keys.
--
-- Tenancy: every tenant-owned row carries account_id, and row-level security
-- (ENABLE + FORCE) admits only rows of the account set with
-- set_config('app.account_id', …, true) inside the transaction. The
-- application runs as igny8_app, which owns nothing and cannot bypass RLS.

-- Roles are shared by every database of the cluster; another database's
-- migration may be creating them at this very moment, hence the handlers.
DO $$
BEGIN
  BEGIN
    -- NOINHERIT: igny8_app holds igny8_worker's policies only after an
    -- explicit SET LOCAL ROLE igny8_worker.
    CREATE ROLE igny8_app NOLOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE igny8_worker NOLOGIN NOINHERIT NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  IF NOT pg_has_role('igny8_app', 'igny8_worker', 'MEMBER') THEN
    GRANT igny8_worker TO igny8_app;
  END IF;
  -- The connecting user switches to igny8_app (SET ROLE) for application
  -- work, so it must be a member.
  IF NOT pg_has_role(current_user, 'igny8_app', 'MEMBER') THEN
    EXECUTE format('GRANT igny8_app TO %I', current_user);
  END IF;
END
$$;

-- app_account_id is the tenant of the current transaction, or NULL.
CREATE FUNCTION app_account_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT nullif(current_setting('app.account_id', true), '')::bigint $$;

-- app_user_id is the authenticated user of the current transaction, or NULL.
CREATE FUNCTION app_user_id() RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT nullif(current_setting('app.user_id', true), '')::bigint $$;

-- app_system is true while a superuser of the system account acts on
-- accounts and plans; no tenant table honours it.
CREATE FUNCTION app_system() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS
$$ SELECT coalesce(current_setting('app.system', true), '') = 'on' $$;

CREATE TABLE plans (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug            text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name            text NOT NULL CHECK (name <> ''),
  monthly_credits integer NOT NULL CHECK (monthly_credits >= 0),
  support_level   text NOT NULL DEFAULT 'basic' CHECK (support_level IN ('basic', 'priority', 'enterprise')),
  billing_cycle   text NOT NULL DEFAULT 'monthly' CHECK (billing_cycle IN ('monthly', 'annual')),
  price_cents     integer NOT NULL DEFAULT 0 CHECK (price_cents >= 0),
  currency        text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
  features        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(features) = 'object'),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE accounts (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug       text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name       text NOT NULL CHECK (name <> ''),
  plan_id    bigint REFERENCES plans(id),
  is_system  boolean NOT NULL DEFAULT false,
  status     text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- At most one system account.
CREATE UNIQUE INDEX accounts_one_system ON accounts ((true)) WHERE is_system;

CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email         text NOT NULL CHECK (email = lower(email) AND email LIKE '%_@_%'),
  name          text NOT NULL DEFAULT '',
  password_hash text NOT NULL DEFAULT '', -- bcrypt; '' = no password login
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE memberships (
  account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role       text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE api_tokens (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id   bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name         text NOT NULL DEFAULT '',
  token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32), -- sha256 of the secret
  prefix       text NOT NULL, -- the first characters, to recognise a token in lists
  role         text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'viewer')),
  scopes       text[] NOT NULL DEFAULT '{}',
  expires_at   timestamptz,
  last_used_at timestamptz,
  revoked_at   timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, user_id) REFERENCES memberships(account_id, user_id) ON DELETE CASCADE
);
CREATE INDEX api_tokens_account ON api_tokens (account_id, id);

CREATE TABLE sites (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id   bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  -- slug names the site's storage and its <slug>.<sites domain> host; it
  -- never changes.
  slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
  name         text NOT NULL CHECK (name <> ''),
  site_type    text NOT NULL DEFAULT 'new' CHECK (site_type IN ('new', 'existing', 'hybrid')),
  hosting_type text NOT NULL DEFAULT 'igny8_sites' CHECK (hosting_type IN ('igny8_sites', 'wordpress', 'shopify', 'custom', 'multi')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, id)
);
CREATE INDEX sites_account ON sites (account_id, id);

CREATE TABLE sectors (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL,
  site_id    bigint NOT NULL,
  slug       text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
  name       text NOT NULL CHECK (name <> ''),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  -- The composite key makes a row's account the site's account.
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  UNIQUE (site_id, slug)
);
CREATE INDEX sectors_account ON sectors (account_id, site_id, id);

CREATE TABLE domains (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id         bigint NOT NULL,
  site_id            bigint NOT NULL,
  hostname           text NOT NULL UNIQUE CHECK (hostname = lower(hostname) AND hostname ~ '^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$'),
  verified           boolean NOT NULL DEFAULT false,
  is_primary         boolean NOT NULL DEFAULT false,
  verification_token text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  verified_at        timestamptz,
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX domains_one_primary ON domains (site_id) WHERE is_primary;
CREATE INDEX domains_account ON domains (account_id, site_id, id);

CREATE TABLE site_blueprints (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id     bigint NOT NULL,
  site_id        bigint NOT NULL,
  version        integer NOT NULL CHECK (version > 0),
  status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'archived')),
  -- config_json: the blueprint without navigation, collections and pages
  -- (format version, site settings, theme, SEO, assets, redirects);
  -- structure_json: navigation and collections. Pages are page_blueprints.
  config_json    jsonb NOT NULL CHECK (jsonb_typeof(config_json) = 'object'),
  structure_json jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(structure_json) = 'object'),
  created_by     bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  UNIQUE (site_id, version),
  UNIQUE (account_id, id)
);
-- At most one active blueprint per site.
CREATE UNIQUE INDEX site_blueprints_one_active ON site_blueprints (site_id) WHERE status = 'active';
CREATE INDEX site_blueprints_account ON site_blueprints (account_id, site_id, version);

CREATE TABLE page_blueprints (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id        bigint NOT NULL,
  site_blueprint_id bigint NOT NULL,
  -- slug is the page's id inside the blueprint (pages[].id).
  slug              text NOT NULL CHECK (slug <> ''),
  type              text NOT NULL,
  title             text NOT NULL DEFAULT '',
  -- the whole page object of the blueprint, blocks included
  blocks_json       jsonb NOT NULL CHECK (jsonb_typeof(blocks_json) = 'object'),
  status            text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  position          integer NOT NULL CHECK (position >= 0),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_blueprint_id) REFERENCES site_blueprints(account_id, id) ON DELETE CASCADE,
  UNIQUE (site_blueprint_id, slug)
);
CREATE INDEX page_blueprints_order ON page_blueprints (site_blueprint_id, position);

CREATE TABLE deployments (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id     bigint NOT NULL,
  site_id        bigint NOT NULL,
  version        integer NOT NULL CHECK (version > 0),
  -- deploy_id is the deployer's id (the manifest's name), known once the
  -- upload starts; a rollback or promote row names the deploy it made live.
  deploy_id      text,
  type           text NOT NULL CHECK (type IN ('build', 'rollback', 'promote')),
  status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'building', 'uploading', 'ready', 'live', 'failed')),
  blueprint_version integer,
  files          integer NOT NULL DEFAULT 0 CHECK (files >= 0),
  bytes          bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
  uploaded_files integer NOT NULL DEFAULT 0 CHECK (uploaded_files >= 0),
  uploaded_bytes bigint NOT NULL DEFAULT 0 CHECK (uploaded_bytes >= 0),
  preview_url    text NOT NULL DEFAULT '',
  error          text NOT NULL DEFAULT '',
  created_by     bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  deployed_at    timestamptz,
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  UNIQUE (site_id, version)
);
CREATE INDEX deployments_account ON deployments (account_id, site_id, id DESC);
-- A deploy is recorded once as a build.
CREATE UNIQUE INDEX deployments_build_once ON deployments (site_id, deploy_id) WHERE type = 'build' AND deploy_id IS NOT NULL;

CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  user_id     bigint REFERENCES users(id) ON DELETE SET NULL,
  token_id    bigint,
  action      text NOT NULL,
  object_type text NOT NULL,
  object_id   text NOT NULL DEFAULT '',
  data        jsonb NOT NULL DEFAULT '{}',
  request_id  text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_account ON audit_log (account_id, id DESC);

-- outbox: work requested in the same transaction as the change that needs
-- it; the relay enqueues each row once, with the row id as the task id.
CREATE TABLE outbox (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind       text NOT NULL,
  queue      text NOT NULL DEFAULT 'default' CHECK (queue IN ('critical', 'default', 'low')),
  payload    jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  relayed_at timestamptz,
  attempts   integer NOT NULL DEFAULT 0,
  last_error text NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (id) WHERE relayed_at IS NULL;

-- idempotency_keys: the first answer to a POST with an Idempotency-Key,
-- replayed for a repeat of the same request.
CREATE TABLE idempotency_keys (
  account_id   bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  token_id     bigint NOT NULL,
  key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  request_hash bytea NOT NULL,
  status       integer NOT NULL DEFAULT 0, -- 0 while the first request runs
  headers      jsonb NOT NULL DEFAULT '{}',
  body         bytea NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (account_id, token_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Row-level security.
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
-- A tenant sees and updates its own account; the system account's
-- superusers see, create and update all.
CREATE POLICY tenant ON accounts FOR SELECT USING (id = app_account_id() OR app_system());
CREATE POLICY tenant_update ON accounts FOR UPDATE USING (id = app_account_id() OR app_system())
  WITH CHECK (id = app_account_id() OR app_system());
CREATE POLICY system_insert ON accounts FOR INSERT WITH CHECK (app_system());
-- A user who has just authenticated sees the accounts they belong to.
CREATE POLICY member ON accounts FOR SELECT
  USING (id IN (SELECT account_id FROM memberships WHERE user_id = app_user_id()));

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['memberships', 'api_tokens', 'sites', 'sectors', 'domains',
    'site_blueprints', 'page_blueprints', 'deployments', 'audit_log', 'outbox', 'idempotency_keys']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id())', t);
  END LOOP;
END
$$;

-- users: global (one login across accounts), but visible only to
-- themselves, to members of a shared account, and to a login or an
-- invitation that names the address (app.email).
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY visible ON users FOR SELECT USING (
  id = app_user_id()
  OR email = current_setting('app.email', true)
  OR id IN (SELECT user_id FROM memberships WHERE account_id = app_account_id()));
CREATE POLICY create_named ON users FOR INSERT WITH CHECK (email = current_setting('app.email', true));
CREATE POLICY update_self ON users FOR UPDATE USING (id = app_user_id()) WITH CHECK (id = app_user_id());

-- Reading one's own memberships before an account is chosen (login).
CREATE POLICY own ON memberships FOR SELECT USING (user_id = app_user_id());

-- Token lookup: a caller who presents a token's hash (the secret's sha256)
-- may read that one row, whatever its account.
CREATE POLICY bearer ON api_tokens FOR SELECT
  USING (token_hash = decode(nullif(current_setting('app.token_hash', true), ''), 'hex'));

-- The outbox relay and the scheduler work across accounts as igny8_worker
-- (SET LOCAL ROLE inside their own transactions), on these tables only.
CREATE POLICY relay ON outbox TO igny8_worker USING (true) WITH CHECK (true);
CREATE POLICY sweep ON idempotency_keys FOR SELECT TO igny8_worker USING (true);
CREATE POLICY sweep_delete ON idempotency_keys FOR DELETE TO igny8_worker USING (true);
CREATE POLICY schedule ON sites FOR SELECT TO igny8_worker USING (true);

-- Privileges: igny8_app reads and writes rows, nothing else.
GRANT USAGE ON SCHEMA public TO igny8_app, igny8_worker;
GRANT SELECT ON sites TO igny8_worker;
GRANT SELECT ON plans TO igny8_app;
GRANT INSERT, UPDATE, DELETE ON plans TO igny8_app; -- system superusers only; checked by the API
GRANT SELECT, INSERT, UPDATE ON accounts TO igny8_app;
GRANT SELECT, INSERT, UPDATE ON users TO igny8_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships, api_tokens, sites, sectors, domains,
  site_blueprints, page_blueprints, deployments, idempotency_keys TO igny8_app;
GRANT SELECT, INSERT ON audit_log TO igny8_app; -- append-only
GRANT SELECT, INSERT, UPDATE ON outbox TO igny8_app;
GRANT SELECT, UPDATE ON outbox TO igny8_worker;
GRANT SELECT, DELETE ON idempotency_keys TO igny8_worker;
