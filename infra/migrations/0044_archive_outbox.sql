-- Fiks Arkiv's outbox (docs/fiks-arkiv.md): one row per inquiry to be archived in the kommune's archive, written by
-- the worker in the case list's batch transaction that sees the inquiry resolved (so exactly once, with the batch's
-- position), or by `ombud archive send`. It holds ids and delivery state only: the arkivmelding, which carries names,
-- is made from the events at each attempt, so erasure (the inquiry key destroyed) leaves nothing readable here.
CREATE TABLE platform.archive_outbox (
    tenant_id        text        NOT NULL,
    idempotency_key  uuid        NOT NULL,  -- uuid5 of tenant and inquiry: the same on every retry and re-send
    inquiry_id       uuid        NOT NULL,
    closed_version   integer     NOT NULL CHECK (closed_version >= 0),  -- the Resolved event's version (0: on demand)
    state            text        NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'receipted')),
    attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_attempt_at  timestamptz,
    last_error       text        CHECK (last_error ~ '^[A-Za-z_][A-Za-z0-9_.]{0,99}$'),  -- an error's class, never a message
    delivered_at     timestamptz,
    case_number      text        CHECK (length(case_number) <= 50),
    receipted_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, idempotency_key),
    UNIQUE (tenant_id, inquiry_id)
);
CREATE INDEX archive_outbox_due ON platform.archive_outbox (tenant_id, next_attempt_at) WHERE state = 'pending';
ALTER TABLE platform.archive_outbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.archive_outbox FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.archive_outbox
    USING (tenant_id = (SELECT current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id', true)));
ALTER TABLE platform.archive_outbox OWNER TO ombud_owner;

-- The worker writes and delivers; the web (the tenant admin page, `ombud archive send` on the app's login) reads and
-- asks for a (re-)send; neither deletes.
GRANT SELECT, INSERT, UPDATE ON platform.archive_outbox TO ombud_worker_role;
GRANT SELECT, INSERT ON platform.archive_outbox TO ombud_web;
GRANT UPDATE (state, next_attempt_at, closed_version) ON platform.archive_outbox TO ombud_web;
GRANT SELECT ON platform.archive_outbox TO ombud_reader;
