-- Sign-up: invitations to create an account while sign-up is by invitation
-- (IGNY8_SIGNUP=invite), and the row-level security that lets an anonymous
-- sign-up create its own account and nothing more.

-- signup_invites belong to the installation, not to a tenant, so the table
-- has no account_id. The system account's superusers (app_system()) make,
-- list and revoke invites; a sign-up that presents a code (its sha256 in
-- app.invite_hash) sees that one row and may mark it used by the account
-- it is creating, once.
CREATE TABLE signup_invites (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code_hash          bytea NOT NULL UNIQUE CHECK (length(code_hash) = 32), -- sha256 of the code
  prefix             text NOT NULL, -- the code's first characters, to recognise it in lists
  email              text CHECK (email = lower(email) AND email LIKE '%_@_%'), -- NULL: any address
  expires_at         timestamptz NOT NULL,
  created_by         bigint REFERENCES users(id) ON DELETE SET NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  revoked_at         timestamptz,
  used_at            timestamptz,
  -- Deferred: a sign-up claims its invite (locking the row, so two
  -- sign-ups cannot both use it) before it inserts the account.
  used_by_account_id bigint REFERENCES accounts(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED,
  CHECK (used_by_account_id IS NULL OR used_at IS NOT NULL)
);

ALTER TABLE signup_invites ENABLE ROW LEVEL SECURITY;
ALTER TABLE signup_invites FORCE ROW LEVEL SECURITY;
CREATE POLICY manage ON signup_invites USING (app_system()) WITH CHECK (app_system());
-- Redeeming, like api_tokens' bearer policy: the caller who presents the
-- code's hash reads that row, and may set it used, by its own account, if
-- it is not used yet.
CREATE POLICY redeem ON signup_invites FOR SELECT
  USING (code_hash = decode(nullif(current_setting('app.invite_hash', true), ''), 'hex'));
CREATE POLICY redeem_use ON signup_invites FOR UPDATE
  USING (code_hash = decode(nullif(current_setting('app.invite_hash', true), ''), 'hex') AND used_at IS NULL)
  WITH CHECK (code_hash = decode(nullif(current_setting('app.invite_hash', true), ''), 'hex')
    AND used_at IS NOT NULL AND used_by_account_id = app_account_id());
-- Invites are revoked, never deleted: the list is the history.
GRANT SELECT, INSERT, UPDATE ON signup_invites TO igny8_app;

-- A sign-up creates its own account without system rights: it draws the
-- id from the sequence, makes it the transaction's account
-- (app.account_id), says it is a sign-up (app.signup), and inserts that
-- one row, which can never be the system account. From there on it is an
-- ordinary tenant transaction of the new account.
CREATE POLICY signup ON accounts FOR INSERT
  WITH CHECK (current_setting('app.signup', true) = 'on' AND id = app_account_id() AND NOT is_system);
GRANT USAGE ON SEQUENCE accounts_id_seq TO igny8_app;
