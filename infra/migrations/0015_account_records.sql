-- Accounts can be switched off, and an account's sessions all end when its session generation moves on (role
-- change, deactivation, password reset: web/sessions.py compares it on every request). Every change to an account
-- is recorded, append-only, in its tenant's scope ('_platform' for network and platform_admin accounts), so
-- row-level security binds these records as it binds access records.
ALTER TABLE platform.accounts
    ADD COLUMN active             boolean NOT NULL DEFAULT true,
    ADD COLUMN session_generation integer NOT NULL DEFAULT 0;

CREATE SCHEMA IF NOT EXISTS audit;
CREATE TABLE audit.account_records (
    tenant_id     text        NOT NULL,
    id            bigint      GENERATED ALWAYS AS IDENTITY,
    at            timestamptz NOT NULL DEFAULT now(),
    account_id    uuid        NOT NULL,
    change        text        NOT NULL
        CHECK (change IN ('created', 'role_changed', 'deactivated', 'reactivated', 'password_reset')),
    role          text        NOT NULL,  -- the account's role after the change
    previous_role text,                  -- for role_changed only
    actor_id      text        NOT NULL,  -- an account id, or the operator at the command line
    actor_role    text        NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE audit.account_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.account_records FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit.account_records
    USING (tenant_id = (SELECT current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id', true)));
ALTER TABLE audit.account_records OWNER TO ombud_owner;
-- Append-only for the app: never UPDATE, DELETE or TRUNCATE.
GRANT USAGE ON SCHEMA audit TO ombud_runtime, ombud_reader;
GRANT INSERT, SELECT ON audit.account_records TO ombud_runtime;
GRANT USAGE ON SEQUENCE audit.account_records_id_seq TO ombud_runtime;
GRANT SELECT ON audit.account_records TO ombud_reader;
