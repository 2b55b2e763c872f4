-- The tamper-evident audit trail (docs/audit.md): per tenant ("scope": a tenant's slug, or '_platform' for the
-- platform's own account records), every stored event, access record and account record enters a hash chain in
-- commit order, sealed by the worker within seconds of the commit (services/audit_trail.py). Checkpoints of the
-- chain (length, head, time) are signed with an Ed25519 key that is never in the database.
CREATE TABLE audit.chain_entries (
    tenant_id  text        NOT NULL,
    position   bigint      NOT NULL CHECK (position >= 1),
    source     text        NOT NULL CHECK (source IN ('events', 'access_records', 'account_records')),
    source_key bigint      NOT NULL,  -- the row's notification_id (events) or id (records)
    subject_id uuid,                  -- the inquiry (or other aggregate) the row is about, to name it if it goes
    entry_hash bytea       NOT NULL CHECK (octet_length(entry_hash) = 32),
    chain_hash bytea       NOT NULL CHECK (octet_length(chain_hash) = 32),
    sealed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, position),
    UNIQUE (tenant_id, source, source_key)
);
CREATE TABLE audit.chain_checkpoints (
    tenant_id  text        NOT NULL,
    length     bigint      NOT NULL CHECK (length >= 1),
    head       bytea       NOT NULL CHECK (octet_length(head) = 32),
    at         timestamptz NOT NULL,
    key_id     text        NOT NULL,  -- which signing key: the first 16 hex digits of SHA-256 of its public key
    signature  bytea       NOT NULL CHECK (octet_length(signature) = 64),
    PRIMARY KEY (tenant_id, length)
);
-- What the worker's continuous verification last found, for the platform page and the alarm.
CREATE TABLE audit.chain_status (
    tenant_id       text        PRIMARY KEY,
    verified_length bigint      NOT NULL,
    verified_at     timestamptz NOT NULL,
    broken_position bigint,     -- NULL while the chain holds
    broken_source   text,
    broken_key      bigint,
    broken_reason   text
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['audit.chain_entries', 'audit.chain_checkpoints', 'audit.chain_status'] LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %s USING (tenant_id = (SELECT current_setting(''app.tenant_id'', true)))'
                       ' WITH CHECK (tenant_id = (SELECT current_setting(''app.tenant_id'', true)))', t);
        EXECUTE format('ALTER TABLE %s OWNER TO ombud_owner', t);
        EXECUTE format('GRANT SELECT ON %s TO ombud_reader', t);
    END LOOP;
END
$$;
-- The chain and its checkpoints are appended, never changed; the status is the worker's own latest word.
GRANT INSERT, SELECT ON audit.chain_entries, audit.chain_checkpoints TO ombud_runtime;
GRANT INSERT, SELECT, UPDATE ON audit.chain_status TO ombud_runtime;
-- The sealer reads every tenant's scope it seals, one at a time, under that tenant's setting: the event tables have
-- no row-level security (one table per tenant); the records have theirs.

-- The platform admin sees every scope's verdict (never an entry) through one narrow function, as for quarantine.
CREATE POLICY platform_overview ON audit.chain_status FOR SELECT TO ombud_owner USING (true);
CREATE FUNCTION audit.chain_verdicts()
    RETURNS TABLE (tenant_id text, verified_length bigint, verified_at timestamptz, broken_position bigint,
                   broken_source text, broken_key bigint, broken_reason text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT s.tenant_id, s.verified_length, s.verified_at, s.broken_position, s.broken_source, s.broken_key,
           s.broken_reason
    FROM audit.chain_status AS s ORDER BY s.tenant_id
$$;
ALTER FUNCTION audit.chain_verdicts() OWNER TO ombud_owner;
REVOKE ALL ON FUNCTION audit.chain_verdicts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit.chain_verdicts() TO ombud_reader;
