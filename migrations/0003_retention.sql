-- Retention: relayed outbox rows and old idempotency keys are deleted by the
-- scheduler leader (as igny8_worker), so neither table grows for ever.

CREATE INDEX outbox_relayed ON outbox (relayed_at) WHERE relayed_at IS NOT NULL;
GRANT DELETE ON outbox TO igny8_worker;
