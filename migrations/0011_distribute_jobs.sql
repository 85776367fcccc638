-- The distribute job: publish content pieces to one of the site's
-- integrations (publishing records keep where each piece went).

ALTER TABLE ai_jobs DROP CONSTRAINT ai_jobs_kind_check;
ALTER TABLE ai_jobs ADD CONSTRAINT ai_jobs_kind_check CHECK (kind IN ('keyword_import', 'cluster', 'ideas', 'write',
  'image_prompts', 'images', 'publish', 'generate_site', 'link', 'optimize', 'distribute'));
