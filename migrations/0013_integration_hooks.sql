-- Webhooks from platforms (Shopify's product updates) carry no account:
-- the API finds the integration's account, site and platform (nothing
-- else) as igny8_worker, then reads it, and its credentials, as that
-- account.
CREATE POLICY hooks ON site_integrations FOR SELECT TO igny8_worker USING (true);
GRANT SELECT (id, account_id, site_id, platform) ON site_integrations TO igny8_worker;
