-- The rest of the linker's rules, per site: how many links a page may
-- carry to one target, whether the cluster's pillar page comes first, and
-- whether anchors vary across the site.

ALTER TABLE site_pipeline_settings
  ADD COLUMN max_per_target integer NOT NULL DEFAULT 1 CHECK (max_per_target BETWEEN 1 AND 5),
  ADD COLUMN prefer_pillar  boolean NOT NULL DEFAULT true,
  ADD COLUMN vary_anchors   boolean NOT NULL DEFAULT true;
