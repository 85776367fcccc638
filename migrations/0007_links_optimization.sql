-- Internal linking and SEO optimization: the links the linker placed, the
-- optimizations made (with the blocks before and after, so they can be
-- reverted), each site's pipeline settings, and the two new job kinds.

ALTER TABLE ai_jobs DROP CONSTRAINT ai_jobs_kind_check;
ALTER TABLE ai_jobs ADD CONSTRAINT ai_jobs_kind_check CHECK (kind IN ('keyword_import', 'cluster', 'ideas', 'write',
  'image_prompts', 'images', 'publish', 'generate_site', 'link', 'optimize'));

-- site_pipeline_settings: what the pipeline does after writing, and the
-- linker's rules. A site without a row has the defaults.
CREATE TABLE site_pipeline_settings (
  account_id       bigint NOT NULL,
  site_id          bigint PRIMARY KEY,
  auto_link        boolean NOT NULL DEFAULT false,
  auto_optimize    boolean NOT NULL DEFAULT false,
  words_per_link   integer NOT NULL DEFAULT 150 CHECK (words_per_link BETWEEN 50 AND 2000),
  min_links        integer NOT NULL DEFAULT 2 CHECK (min_links BETWEEN 0 AND 100),
  max_links        integer NOT NULL DEFAULT 15 CHECK (max_links BETWEEN 1 AND 200),
  related          integer NOT NULL DEFAULT 3 CHECK (related BETWEEN 0 AND 12),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id) REFERENCES sites(account_id, id) ON DELETE CASCADE,
  CHECK (min_links <= max_links)
);

-- content_links: the internal links the linker placed in a content's
-- blocks. A run replaces the source's rows; removing a target removes its
-- rows (and the next run removes the links from the text).
CREATE TABLE content_links (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id     bigint NOT NULL,
  site_id        bigint NOT NULL,
  source_id      bigint NOT NULL,
  target_id      bigint NOT NULL,
  target_page    text NOT NULL,
  anchor         text NOT NULL CHECK (anchor <> ''),
  block_id       text NOT NULL,
  field          text NOT NULL,
  byte_offset    integer NOT NULL CHECK (byte_offset >= 0),
  link_type      text NOT NULL CHECK (link_type IN ('contextual', 'related', 'pillar')),
  linker_version text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id, source_id) REFERENCES contents(account_id, site_id, id) ON DELETE CASCADE,
  FOREIGN KEY (account_id, site_id, target_id) REFERENCES contents(account_id, site_id, id) ON DELETE CASCADE,
  CHECK (source_id <> target_id)
);
CREATE INDEX content_links_source ON content_links (account_id, site_id, source_id);
CREATE INDEX content_links_target ON content_links (target_id);

-- optimizations: one optimization of a content piece for its focus
-- keyword: the scores and checks before and after, the pages before and
-- after, whether the result was kept (only a higher score is), and when it
-- was reverted.
CREATE TABLE optimizations (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id      bigint NOT NULL,
  site_id         bigint NOT NULL,
  content_id      bigint NOT NULL,
  job_id          bigint,
  op_key          text NOT NULL,
  keyword         text NOT NULL,
  score_before    integer NOT NULL CHECK (score_before BETWEEN 0 AND 100),
  score_after     integer NOT NULL CHECK (score_after BETWEEN 0 AND 100),
  kept            boolean NOT NULL,
  checks          jsonb NOT NULL DEFAULT '[]',
  page_before     jsonb NOT NULL,
  page_after      jsonb NOT NULL,
  revision_before integer NOT NULL,
  revision_after  integer,
  provider        text NOT NULL DEFAULT '',
  model           text NOT NULL DEFAULT '',
  prompt          text NOT NULL DEFAULT '',
  prompt_version  text NOT NULL DEFAULT '',
  offline         boolean NOT NULL DEFAULT false,
  reverted_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (account_id, site_id, content_id) REFERENCES contents(account_id, site_id, id) ON DELETE CASCADE,
  UNIQUE (account_id, op_key)
);
CREATE INDEX optimizations_content ON optimizations (account_id, site_id, content_id, id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['site_pipeline_settings', 'content_links', 'optimizations']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id())', t);
  END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE, DELETE ON site_pipeline_settings, content_links, optimizations TO igny8_app;
