-- Credit metering: per-account balances, holds (reservations), an
-- append-only transaction log, a usage log and low-credit events.
--
-- Every table carries account_id under forced row-level security, like the
-- tables of 0001. The ledger's moves are plpgsql functions that act on the
-- account of the transaction (app_account_id()) with the caller's rights,
-- so row-level security applies inside them too; each move is one statement
-- and so one round trip for the application.

CREATE TABLE credit_balances (
  account_id  bigint PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  balance     bigint NOT NULL DEFAULT 0 CHECK (balance >= 0),
  -- reserved: the sum of the account's held holds. available = balance - reserved.
  reserved    bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0 AND reserved <= balance),
  -- Where low-credit events are POSTed; NULL = nowhere.
  webhook_url text CHECK (webhook_url ~ '^https?://'),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- credit_holds: one per logical operation (idempotency key). A retry reuses
-- its hold; capture happens at most once per hold.
CREATE TABLE credit_holds (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id      bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  operation       text NOT NULL CHECK (operation ~ '^[a-z_]{1,40}$'),
  amount          bigint NOT NULL CHECK (amount > 0), -- credits held (the estimate)
  captured        bigint NOT NULL DEFAULT 0 CHECK (captured >= 0),
  state           text NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'captured', 'released', 'expired')),
  site_id         bigint,
  user_id         bigint,
  expires_at      timestamptz NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  settled_at      timestamptz,
  UNIQUE (account_id, idempotency_key)
);
CREATE INDEX credit_holds_expiry ON credit_holds (expires_at) WHERE state = 'held';

-- credit_transactions: every change of a balance, append-only (the
-- application may only insert). amount is signed.
CREATE TABLE credit_transactions (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id    bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('grant', 'replenish', 'topup', 'usage', 'refund', 'adjust', 'expire')),
  amount        bigint NOT NULL,
  balance_after bigint NOT NULL CHECK (balance_after >= 0),
  hold_id       bigint,
  period        text CHECK (period ~ '^[0-9]{4}-[0-9]{2}$'),
  reason        text NOT NULL DEFAULT '',
  created_by    bigint,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_transactions_account ON credit_transactions (account_id, id DESC);
-- Monthly replenishment happens once per account and period.
CREATE UNIQUE INDEX credit_transactions_replenish_once ON credit_transactions (account_id, period) WHERE kind = 'replenish';
-- A hold is charged once.
CREATE UNIQUE INDEX credit_transactions_usage_once ON credit_transactions (hold_id) WHERE kind = 'usage';

-- credit_usage: what the credits were spent on.
CREATE TABLE credit_usage (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  site_id     bigint,
  user_id     bigint,
  operation   text NOT NULL,
  credits     bigint NOT NULL CHECK (credits >= 0),
  object_type text NOT NULL DEFAULT '',
  object_id   text NOT NULL DEFAULT '',
  metadata    jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(metadata) = 'object'),
  hold_id     bigint NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credit_usage_account ON credit_usage (account_id, created_at);

-- credit_events: low-credit warnings, one per account, kind and period.
CREATE TABLE credit_events (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id   bigint NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind         text NOT NULL CHECK (kind IN ('low_credits')),
  period       text NOT NULL CHECK (period ~ '^[0-9]{4}-[0-9]{2}$'),
  available    bigint NOT NULL,
  threshold    bigint NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz, -- to the webhook; NULL while pending or without one
  attempts     integer NOT NULL DEFAULT 0,
  last_error   text NOT NULL DEFAULT '',
  UNIQUE (account_id, kind, period)
);
CREATE INDEX credit_events_pending ON credit_events (id) WHERE delivered_at IS NULL;

-- credits_period is the replenishment period of a moment: its UTC month.
CREATE FUNCTION credits_period(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM') $$;

CREATE FUNCTION credits_account() RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
DECLARE a bigint := app_account_id();
BEGIN
  IF a IS NULL THEN
    RAISE EXCEPTION 'credits: no account in the transaction' USING ERRCODE = '42501';
  END IF;
  RETURN a;
END $$;

-- Lock order: every function that changes an account's holds or balance
-- first locks the account's credit_balances row, and only then touches its
-- holds. The balance row thus serializes all moves of one account, holds
-- need no row locks of their own, and a transaction that moves credits of
-- several accounts (postgres.Ledger batches them, in account order) cannot
-- deadlock with another.

-- credits_reserve holds p_amount credits for the operation keyed p_key. A
-- key seen before returns its hold: still held (its expiry pushed back),
-- captured (nothing to do), or, when released or expired, held again.
-- status: reserved | held | captured | insufficient.
CREATE FUNCTION credits_reserve(p_key text, p_operation text, p_amount bigint, p_ttl interval, p_site bigint, p_user bigint,
  OUT status text, OUT hold_id bigint, OUT amount bigint, OUT captured bigint, OUT balance bigint, OUT reserved bigint)
LANGUAGE plpgsql AS $$
DECLARE
  acc bigint := credits_account();
  h credit_holds%ROWTYPE;
BEGIN
  -- The common case, a new key with enough credits: two statements.
  UPDATE credit_balances b SET reserved = b.reserved + p_amount, updated_at = now()
    WHERE b.account_id = acc AND b.balance - b.reserved >= p_amount
      AND NOT EXISTS (SELECT 1 FROM credit_holds x WHERE x.account_id = acc AND x.idempotency_key = p_key)
    RETURNING b.balance, b.reserved INTO balance, reserved;
  IF FOUND THEN
    INSERT INTO credit_holds (account_id, idempotency_key, operation, amount, site_id, user_id, expires_at)
      VALUES (acc, p_key, p_operation, p_amount, p_site, p_user, now() + p_ttl)
      ON CONFLICT (account_id, idempotency_key) DO NOTHING
      RETURNING id INTO hold_id;
    IF hold_id IS NOT NULL THEN
      status := 'reserved'; amount := p_amount; captured := 0;
      RETURN;
    END IF;
    -- The key's hold committed while this call waited for the balance
    -- lock: give the credits back and answer with that hold.
    UPDATE credit_balances b SET reserved = b.reserved - p_amount WHERE b.account_id = acc;
  END IF;

  PERFORM 1 FROM credit_balances b WHERE b.account_id = acc FOR UPDATE;
  SELECT * INTO h FROM credit_holds WHERE account_id = acc AND idempotency_key = p_key;
  SELECT b.balance, b.reserved INTO balance, reserved FROM credit_balances b WHERE b.account_id = acc;
  balance := coalesce(balance, 0); reserved := coalesce(reserved, 0);
  IF h.id IS NULL THEN
    status := 'insufficient'; amount := p_amount; captured := 0;
    RETURN;
  END IF;
  hold_id := h.id; amount := h.amount; captured := h.captured;
  IF h.state = 'held' THEN
    UPDATE credit_holds SET expires_at = greatest(expires_at, now() + p_ttl) WHERE id = h.id;
    status := 'held';
    RETURN;
  ELSIF h.state = 'captured' THEN
    status := 'captured';
    RETURN;
  END IF;
  -- Released or expired: hold it again.
  UPDATE credit_balances b SET reserved = b.reserved + h.amount, updated_at = now()
    WHERE b.account_id = acc AND b.balance - b.reserved >= h.amount
    RETURNING b.balance, b.reserved INTO balance, reserved;
  IF NOT FOUND THEN
    status := 'insufficient';
    SELECT b.balance, b.reserved INTO balance, reserved FROM credit_balances b WHERE b.account_id = acc;
    RETURN;
  END IF;
  UPDATE credit_holds SET state = 'held', expires_at = now() + p_ttl, settled_at = NULL WHERE id = h.id;
  status := 'reserved';
END $$;

-- credits_capture charges p_actual credits for the operation keyed p_key,
-- once: a captured hold answers 'already' with what it charged. A held
-- hold gives back what it held beyond p_actual (or takes the excess from
-- the available credits); a released or expired one (its job was thought
-- dead) charges the available credits. It records the usage and, when the
-- available credits fall below 10% of the plan's monthly credits, the
-- period's low-credit event.
-- status: captured | already | not_found | insufficient.
CREATE FUNCTION credits_capture(p_key text, p_actual bigint, p_object_type text, p_object_id text, p_metadata jsonb,
  OUT status text, OUT hold_id bigint, OUT charged bigint, OUT returned bigint, OUT balance bigint, OUT reserved bigint, OUT low boolean)
LANGUAGE plpgsql AS $$
DECLARE
  acc bigint := credits_account();
  h credit_holds%ROWTYPE;
  held bigint := 0;
  monthly bigint;
BEGIN
  low := false; charged := 0; returned := 0;
  PERFORM 1 FROM credit_balances b WHERE b.account_id = acc FOR UPDATE;
  SELECT * INTO h FROM credit_holds WHERE account_id = acc AND idempotency_key = p_key;
  IF NOT FOUND THEN
    status := 'not_found';
    RETURN;
  END IF;
  hold_id := h.id;
  IF h.state = 'captured' THEN
    status := 'already'; charged := h.captured;
    SELECT b.balance, b.reserved INTO balance, reserved FROM credit_balances b WHERE b.account_id = acc;
    RETURN;
  END IF;
  IF h.state = 'held' THEN
    held := h.amount;
  END IF;
  UPDATE credit_balances b SET balance = b.balance - p_actual, reserved = b.reserved - held, updated_at = now()
    WHERE b.account_id = acc AND b.balance - p_actual >= b.reserved - held
    RETURNING b.balance, b.reserved INTO balance, reserved;
  IF NOT FOUND THEN
    status := 'insufficient';
    SELECT b.balance, b.reserved - held INTO balance, reserved FROM credit_balances b WHERE b.account_id = acc;
    RETURN;
  END IF;
  UPDATE credit_holds SET state = 'captured', captured = p_actual, settled_at = now() WHERE id = h.id;
  INSERT INTO credit_transactions (account_id, kind, amount, balance_after, hold_id, created_by)
    VALUES (acc, 'usage', -p_actual, balance, h.id, h.user_id);
  INSERT INTO credit_usage (account_id, site_id, user_id, operation, credits, object_type, object_id, metadata, hold_id)
    VALUES (acc, h.site_id, h.user_id, h.operation, p_actual, coalesce(p_object_type, ''), coalesce(p_object_id, ''), coalesce(p_metadata, '{}'), h.id);
  status := 'captured'; charged := p_actual; returned := greatest(held - p_actual, 0);
  SELECT p.monthly_credits INTO monthly FROM accounts a JOIN plans p ON p.id = a.plan_id WHERE a.id = acc;
  IF monthly > 0 AND (balance - reserved) * 10 < monthly THEN
    INSERT INTO credit_events (account_id, kind, period, available, threshold)
      VALUES (acc, 'low_credits', credits_period(now()), balance - reserved, (monthly + 9) / 10)
      ON CONFLICT (account_id, kind, period) DO NOTHING;
    low := FOUND;
  END IF;
END $$;

-- credits_release gives back what the hold keyed p_key holds, if it is
-- still held. status: released | not_held | not_found.
CREATE FUNCTION credits_release(p_key text, OUT status text, OUT balance bigint, OUT reserved bigint)
LANGUAGE plpgsql AS $$
DECLARE
  acc bigint := credits_account();
  h credit_holds%ROWTYPE;
BEGIN
  PERFORM 1 FROM credit_balances b WHERE b.account_id = acc FOR UPDATE;
  SELECT * INTO h FROM credit_holds WHERE account_id = acc AND idempotency_key = p_key;
  IF NOT FOUND THEN
    status := 'not_found';
  ELSIF h.state <> 'held' THEN
    status := 'not_held';
  ELSE
    UPDATE credit_holds SET state = 'released', settled_at = now() WHERE id = h.id;
    UPDATE credit_balances b SET reserved = b.reserved - h.amount, updated_at = now() WHERE b.account_id = acc;
    status := 'released';
  END IF;
  SELECT b.balance, b.reserved INTO balance, reserved FROM credit_balances b WHERE b.account_id = acc;
END $$;

-- credits_expire ends at most p_limit of the account's holds past their
-- expiry (their jobs crashed), giving their credits back, and returns how
-- many it ended.
CREATE FUNCTION credits_expire(p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  acc bigint := credits_account();
  ids bigint[];
  amounts bigint[];
  bal bigint;
BEGIN
  PERFORM 1 FROM credit_balances b WHERE b.account_id = acc FOR UPDATE;
  WITH due AS (
    SELECT id FROM credit_holds
    WHERE account_id = acc AND state = 'held' AND expires_at < now()
    ORDER BY id LIMIT p_limit
  ), ended AS (
    UPDATE credit_holds h SET state = 'expired', settled_at = now() FROM due WHERE h.id = due.id
    RETURNING h.id, h.amount
  )
  SELECT array_agg(id ORDER BY id), array_agg(amount ORDER BY id) INTO ids, amounts FROM ended;
  IF ids IS NULL THEN
    RETURN 0;
  END IF;
  UPDATE credit_balances b SET reserved = b.reserved - (SELECT sum(x) FROM unnest(amounts) x), updated_at = now()
    WHERE b.account_id = acc RETURNING b.balance INTO bal;
  -- The expiry changes no balance; the rows say which holds ended so.
  INSERT INTO credit_transactions (account_id, kind, amount, balance_after, hold_id, reason)
    SELECT acc, 'expire', 0, bal, i, 'hold expired, ' || a || ' credits no longer reserved'
    FROM unnest(ids, amounts) AS u(i, a);
  RETURN cardinality(ids);
END $$;

-- credits_replenish adds the plan's monthly credits for period p_period,
-- once. status: granted | already | no_plan.
CREATE FUNCTION credits_replenish(p_period text, OUT status text, OUT amount bigint, OUT balance bigint)
LANGUAGE plpgsql AS $$
DECLARE
  acc bigint := credits_account();
BEGIN
  SELECT p.monthly_credits INTO amount FROM accounts a JOIN plans p ON p.id = a.plan_id
    WHERE a.id = acc AND a.status = 'active';
  IF coalesce(amount, 0) = 0 THEN
    status := 'no_plan'; amount := 0;
    RETURN;
  END IF;
  INSERT INTO credit_balances (account_id) VALUES (acc) ON CONFLICT DO NOTHING;
  PERFORM 1 FROM credit_balances b WHERE b.account_id = acc FOR UPDATE;
  IF EXISTS (SELECT 1 FROM credit_transactions t WHERE t.account_id = acc AND t.kind = 'replenish' AND t.period = p_period) THEN
    status := 'already';
    SELECT b.balance INTO balance FROM credit_balances b WHERE b.account_id = acc;
    RETURN;
  END IF;
  UPDATE credit_balances b SET balance = b.balance + amount, updated_at = now() WHERE b.account_id = acc
    RETURNING b.balance INTO balance;
  INSERT INTO credit_transactions (account_id, kind, amount, balance_after, period, reason)
    VALUES (acc, 'replenish', amount, balance, p_period, 'monthly credits of the plan');
  status := 'granted';
END $$;

-- credits_change adds p_amount (negative to remove) as a transaction of
-- p_kind. The balance may not fall below what is reserved. A removal that
-- leaves less than 10% of the plan's monthly credits available records
-- the period's low-credit event, as a capture does.
-- status: changed | insufficient.
CREATE FUNCTION credits_change(p_kind text, p_amount bigint, p_reason text, p_user bigint,
  OUT status text, OUT transaction_id bigint, OUT balance bigint, OUT reserved bigint)
LANGUAGE plpgsql AS $$
DECLARE
  acc bigint := credits_account();
  monthly bigint;
BEGIN
  INSERT INTO credit_balances (account_id) VALUES (acc) ON CONFLICT DO NOTHING;
  UPDATE credit_balances b SET balance = b.balance + p_amount, updated_at = now()
    WHERE b.account_id = acc AND b.balance + p_amount >= b.reserved
    RETURNING b.balance, b.reserved INTO balance, reserved;
  IF NOT FOUND THEN
    status := 'insufficient';
    SELECT b.balance, b.reserved INTO balance, reserved FROM credit_balances b WHERE b.account_id = acc;
    RETURN;
  END IF;
  INSERT INTO credit_transactions (account_id, kind, amount, balance_after, reason, created_by)
    VALUES (acc, p_kind, p_amount, balance, p_reason, p_user) RETURNING id INTO transaction_id;
  status := 'changed';
  IF p_amount < 0 THEN
    SELECT p.monthly_credits INTO monthly FROM accounts a JOIN plans p ON p.id = a.plan_id WHERE a.id = acc;
    IF monthly > 0 AND (balance - reserved) * 10 < monthly THEN
      INSERT INTO credit_events (account_id, kind, period, available, threshold)
        VALUES (acc, 'low_credits', credits_period(now()), balance - reserved, (monthly + 9) / 10)
        ON CONFLICT (account_id, kind, period) DO NOTHING;
    END IF;
  END IF;
END $$;

-- Row-level security, as for every tenant table.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['credit_balances', 'credit_holds', 'credit_transactions', 'credit_usage', 'credit_events']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant ON %I USING (account_id = app_account_id()) WITH CHECK (account_id = app_account_id())', t);
  END LOOP;
END
$$;

-- The scheduler (igny8_worker) only finds the accounts that have work:
-- accounts to replenish, expired holds, undelivered events. The work itself
-- runs in each account's own scope.
CREATE POLICY credits_schedule ON accounts FOR SELECT TO igny8_worker USING (true);
CREATE POLICY credits_sweep ON credit_holds FOR SELECT TO igny8_worker USING (true);
CREATE POLICY credits_notify ON credit_events FOR SELECT TO igny8_worker USING (true);
CREATE POLICY credits_replenish ON credit_transactions FOR SELECT TO igny8_worker USING (true);
GRANT SELECT (id, plan_id, status) ON accounts TO igny8_worker;
GRANT SELECT (account_id, state, expires_at) ON credit_holds TO igny8_worker;
GRANT SELECT (account_id, kind, period) ON credit_transactions TO igny8_worker;
GRANT SELECT (account_id, delivered_at, attempts) ON credit_events TO igny8_worker;

GRANT SELECT, INSERT, UPDATE ON credit_balances, credit_holds, credit_events TO igny8_app;
GRANT SELECT, INSERT ON credit_transactions, credit_usage TO igny8_app; -- append-only
