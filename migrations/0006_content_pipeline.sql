-- The AI content pipeline: keywords → clusters → ideas → tasks → content →
-- images, the jobs that run each step, the record of every AI call, and
-- accounts' own prompt texts. Every table is a tenant table: account_id,
-- forced row-level security, composite keys that make a child's account
-- its parent's and, for the site's objects, its site its parent's (a
-- keyword of one site can never name a sector or cluster of another).

ALTER TABLE sectors ADD CONSTRAINT sectors_account_site_id_key UNIQUE (account_id, site_id, id);

-- ai_jobs: one background step of the pipeline (import, cluster, ideas,
-- write, image prompts, images, publish, site generation). The outbox
-- carries its id; the worker moves it queued → running → succeeded,
-- failed or cancelled and reports progress on the way.
CREATE TABLE ai_jobs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL,
  site_id     bigint NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('keyword_import', 'cluster', 'ideas', 'write', 'image_prompts', 'images', 'publish', 'generate_site')),
  status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  step        text NOT NULL DEFAULT '',
  done        integer NOT NULL DEFAULT 0 CHECK (done >= 0),
  total       integer NOT NULL DEFAULT 0 CHECK (total >= 0),
  input       jsonb NOT NULL DEFAULT '{}',
  result      jsonb,
  error       text NOT NULL DEFAULT '',
  cancel      boolean NOT NULL DEFAULT false,
  attempts    integer NOT NULL DEFAULT 0,
  created_by  bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz,
  ended_at    timestamptz,
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  UNIQUE (account_id, id)
);
CREATE INDEX ai_jobs_account ON ai_jobs (account_id, site_id, id);

CREATE TABLE keywords (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL,
  site_id     bigint NOT NULL,
  sector_id   bigint,
  keyword     text NOT NULL CHECK (length(keyword) BETWEEN 1 AND 200),
  normalized  text NOT NULL CHECK (length(normalized) BETWEEN 1 AND 200),
  volume      bigint CHECK (volume >= 0),
  difficulty  integer CHECK (difficulty BETWEEN 0 AND 100),
  intent      text NOT NULL DEFAULT '' CHECK (intent IN ('', 'informational', 'commercial', 'transactional', 'navigational')),
  cpc         numeric(12, 2) CHECK (cpc >= 0),
  cluster_id  bigint,
  created_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, site_id, sector_id) REFERENCES sectors(account_id, site_id, id) ON DELETE CASCADE,
  UNIQUE (account_id, site_id, id)
);
-- One keyword per site and sector after normalisation (case, whitespace,
-- Unicode NFC).
CREATE UNIQUE INDEX keywords_unique ON keywords (site_id, coalesce(sector_id, 0), normalized);
CREATE INDEX keywords_account ON keywords (account_id, site_id, id);
CREATE INDEX keywords_cluster ON keywords (cluster_id) WHERE cluster_id IS NOT NULL;
CREATE INDEX keywords_sector ON keywords (sector_id) WHERE sector_id IS NOT NULL;

-- clusters: a group of keywords named by the AI. batch_key is the
-- idempotency key of the clustering request that made it: a redelivered
-- request finds its clusters instead of making them again.
CREATE TABLE clusters (
  id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id        bigint NOT NULL,
  site_id           bigint NOT NULL,
  sector_id         bigint,
  name              text NOT NULL CHECK (name <> ''),
  description       text NOT NULL DEFAULT '',
  pillar_keyword_id bigint,
  batch_key         text NOT NULL,
  batch_index       integer NOT NULL,
  provider          text NOT NULL,
  model             text NOT NULL DEFAULT '',
  prompt            text NOT NULL DEFAULT '',
  prompt_version    text NOT NULL DEFAULT '',
  offline           boolean NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, site_id, sector_id) REFERENCES sectors(account_id, site_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, site_id, pillar_keyword_id) REFERENCES keywords(account_id, site_id, id) ON DELETE SET NULL (pillar_keyword_id),
  UNIQUE (account_id, site_id, id),
  UNIQUE (site_id, batch_key, batch_index)
);
CREATE INDEX clusters_account ON clusters (account_id, site_id, id);
CREATE INDEX clusters_pillar ON clusters (pillar_keyword_id) WHERE pillar_keyword_id IS NOT NULL;
ALTER TABLE keywords ADD FOREIGN KEY (account_id, site_id, cluster_id) REFERENCES clusters(account_id, site_id, id) ON DELETE SET NULL (cluster_id);

CREATE TABLE ideas (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id         bigint NOT NULL,
  site_id            bigint NOT NULL,
  cluster_id         bigint NOT NULL,
  ordinal            integer NOT NULL CHECK (ordinal >= 0),
  title              text NOT NULL CHECK (title <> ''),
  angle              text NOT NULL DEFAULT '',
  outline            jsonb NOT NULL DEFAULT '[]',
  target_keyword     text NOT NULL DEFAULT '',
  secondary_keywords jsonb NOT NULL DEFAULT '[]',
  intent             text NOT NULL DEFAULT '',
  entity_type        text NOT NULL CHECK (entity_type IN ('post', 'page', 'product', 'service', 'taxonomy')),
  estimated_words    integer NOT NULL DEFAULT 0 CHECK (estimated_words >= 0),
  status             text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'approved', 'rejected')),
  provider           text NOT NULL,
  model              text NOT NULL DEFAULT '',
  prompt             text NOT NULL DEFAULT '',
  prompt_version     text NOT NULL DEFAULT '',
  offline            boolean NOT NULL DEFAULT false,
  created_at         timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, site_id, cluster_id) REFERENCES clusters(account_id, site_id, id) ON DELETE CASCADE,
  UNIQUE (account_id, site_id, id),
  UNIQUE (cluster_id, ordinal)
);
CREATE INDEX ideas_account ON ideas (account_id, site_id, id);

-- tasks: the writing of one approved idea; one task per idea.
CREATE TABLE tasks (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL,
  site_id     bigint NOT NULL,
  idea_id     bigint NOT NULL,
  word_target integer NOT NULL CHECK (word_target BETWEEN 50 AND 10000),
  status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'writing', 'done', 'failed')),
  content_id  bigint,
  error       text NOT NULL DEFAULT '',
  created_by  bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, site_id, idea_id) REFERENCES ideas(account_id, site_id, id) ON DELETE CASCADE,
  UNIQUE (account_id, site_id, id),
  UNIQUE (idea_id)
);
CREATE INDEX tasks_account ON tasks (account_id, site_id, id);

-- contents: a written piece, stored as a blueprint page (page). The slug
-- is the page's id in the site's blueprint; it is unique per site.
CREATE TABLE contents (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id       bigint NOT NULL,
  site_id          bigint NOT NULL,
  task_id          bigint,
  entity_type      text NOT NULL CHECK (entity_type IN ('post', 'page', 'product', 'service', 'taxonomy')),
  title            text NOT NULL CHECK (title <> ''),
  slug             text NOT NULL CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,78}[a-z0-9])?$'),
  meta_title       text NOT NULL DEFAULT '',
  meta_description text NOT NULL DEFAULT '',
  excerpt          text NOT NULL DEFAULT '',
  target_keyword   text NOT NULL DEFAULT '',
  word_count       integer NOT NULL DEFAULT 0 CHECK (word_count >= 0),
  status           text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'review', 'approved', 'published')),
  page             jsonb NOT NULL,
  revision         integer NOT NULL DEFAULT 1 CHECK (revision >= 1),
  provider         text NOT NULL DEFAULT '',
  model            text NOT NULL DEFAULT '',
  prompt           text NOT NULL DEFAULT '',
  prompt_version   text NOT NULL DEFAULT '',
  offline          boolean NOT NULL DEFAULT false,
  published_at     timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, site_id, task_id) REFERENCES tasks(account_id, site_id, id) ON DELETE SET NULL (task_id),
  UNIQUE (account_id, id),
  UNIQUE (account_id, site_id, id),
  UNIQUE (task_id),
  UNIQUE (site_id, slug)
);
CREATE INDEX contents_account ON contents (account_id, site_id, id);
ALTER TABLE tasks ADD FOREIGN KEY (account_id, site_id, content_id) REFERENCES contents(account_id, site_id, id) ON DELETE SET NULL (content_id);
CREATE INDEX tasks_content ON tasks (content_id) WHERE content_id IS NOT NULL;

CREATE TABLE content_revisions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL,
  content_id  bigint NOT NULL,
  revision    integer NOT NULL CHECK (revision >= 1),
  source      text NOT NULL,
  page        jsonb NOT NULL,
  created_by  bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, content_id) REFERENCES contents(account_id, id) ON DELETE CASCADE,
  UNIQUE (content_id, revision)
);
CREATE INDEX content_revisions_account ON content_revisions (account_id, content_id, revision);

-- content_images: position 0 is the featured image, 1–5 in-content ones.
-- A row is written when prompted and completed when generated.
CREATE TABLE content_images (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id     bigint NOT NULL,
  site_id        bigint NOT NULL,
  content_id     bigint NOT NULL,
  position       integer NOT NULL CHECK (position BETWEEN 0 AND 5),
  prompt         text NOT NULL CHECK (prompt <> ''),
  alt            text NOT NULL DEFAULT '',
  section        integer NOT NULL DEFAULT 0 CHECK (section >= 0),
  width          integer NOT NULL CHECK (width BETWEEN 16 AND 4096),
  height         integer NOT NULL CHECK (height BETWEEN 16 AND 4096),
  asset_path     text NOT NULL DEFAULT '',
  sha256         text NOT NULL DEFAULT '',
  content_type   text NOT NULL DEFAULT '',
  provider       text NOT NULL DEFAULT '',
  model          text NOT NULL DEFAULT '',
  prompt_name    text NOT NULL DEFAULT '',
  prompt_version text NOT NULL DEFAULT '',
  offline        boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  generated_at   timestamptz,
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, site_id, content_id) REFERENCES contents(account_id, site_id, id) ON DELETE CASCADE,
  UNIQUE (content_id, position)
);
CREATE INDEX content_images_account ON content_images (account_id, site_id, content_id);

-- ai_calls: every request to an AI provider, for cost per account and
-- model. Rows outlive the jobs and sites they served.
CREATE TABLE ai_calls (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id     bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  site_id        bigint,
  job_id         bigint,
  operation      text NOT NULL CHECK (operation IN ('chat', 'embedding', 'image')),
  prompt         text NOT NULL DEFAULT '',
  prompt_version text NOT NULL DEFAULT '',
  provider       text NOT NULL,
  model          text NOT NULL DEFAULT '',
  tokens_in      integer NOT NULL DEFAULT 0 CHECK (tokens_in >= 0),
  tokens_out     integer NOT NULL DEFAULT 0 CHECK (tokens_out >= 0),
  latency_ms     integer NOT NULL DEFAULT 0 CHECK (latency_ms >= 0),
  outcome        text NOT NULL,
  error          text NOT NULL DEFAULT '',
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ai_calls_account ON ai_calls (account_id, created_at);

-- prompt_overrides: an account's own text for an embedded prompt; the
-- newest version is in use, deleting the overrides restores the default.
CREATE TABLE prompt_overrides (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  name        text NOT NULL,
  version     integer NOT NULL CHECK (version >= 1),
  system      text NOT NULL,
  "user"      text NOT NULL CHECK ("user" <> ''),
  created_by  bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (account_id, name, version)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['ai_jobs', 'keywords', 'clusters', 'ideas', 'tasks', 'contents', 'content_revisions',
    'content_images', 'ai_calls', 'prompt_overrides']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON ai_jobs, keywords, clusters, ideas, tasks, contents, content_images, prompt_overrides TO igny8_app;
GRANT SELECT, INSERT ON content_revisions, ai_calls TO igny8_app;

-- A deployment a pipeline job requested names the job, once: a redelivered
-- job finds its deployment instead of requesting another. A preview
-- deployment is built and uploaded but not made live (site generation
-- shows its result before the owner promotes it).
ALTER TABLE deployments ADD COLUMN ai_job_id bigint;
ALTER TABLE deployments ADD COLUMN preview boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX deployments_ai_job ON deployments (ai_job_id) WHERE ai_job_id IS NOT NULL;
-- A blueprint site generation saved names its job, once.
ALTER TABLE site_blueprints ADD COLUMN ai_job_id bigint;
CREATE UNIQUE INDEX site_blueprints_ai_job ON site_blueprints (ai_job_id) WHERE ai_job_id IS NOT NULL;
