-- Key epochs (docs/security.md "Key epochs"): PostgreSQL keeps an updated row's old version in its pages, WAL,
-- replicas and backups, so a key stored here is destroyed only when what wraps it is destroyed. Inquiry keys and
-- each tenant's search key are wrapped by epoch keys kept outside the database (OMBUD_KEY_EPOCH_DIR); `epoch` says
-- which. NULL: wrapped by the tenant-derived key of before, until the first rotation (run by `ombud migrate` when
-- this migration is applied) re-wraps it.
ALTER TABLE platform.inquiry_keys ADD COLUMN epoch integer CHECK (epoch > 0);
CREATE INDEX inquiry_keys_live_by_epoch ON platform.inquiry_keys (tenant_id, epoch) WHERE wrapped_key IS NOT NULL;

-- An update either destroys a live key (once), or re-wraps a live key under a newer epoch; a destroyed key never
-- comes back, and no key goes back to an older epoch.
CREATE OR REPLACE FUNCTION platform.inquiry_key_only_destroyed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.wrapped_key IS NULL THEN
        RAISE EXCEPTION 'an inquiry key can only be destroyed, once' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.wrapped_key IS NULL THEN
        IF NEW.destroyed_at IS NULL THEN
            RAISE EXCEPTION 'an inquiry key can only be destroyed, once' USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.destroyed_at IS NOT NULL OR NEW.epoch IS NULL OR NEW.epoch <= coalesce(OLD.epoch, 0) THEN
        RAISE EXCEPTION 'a live inquiry key can only be re-wrapped under a newer epoch' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
GRANT UPDATE (epoch) ON platform.inquiry_keys TO ombud_runtime;

-- Each tenant's search key for read.search_tokens, wrapped by the epoch key current when the worker made it; a
-- rotation replaces it (and re-indexes the live inquiries) in the same transaction as the index.
CREATE TABLE platform.search_keys (
    tenant_id   text        PRIMARY KEY,
    epoch       integer     NOT NULL CHECK (epoch > 0),
    wrapped_key bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE platform.search_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.search_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.search_keys
    USING (tenant_id = (SELECT current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id', true)));
ALTER TABLE platform.search_keys OWNER TO ombud_owner;
GRANT SELECT, INSERT, UPDATE (epoch, wrapped_key, created_at) ON platform.search_keys TO ombud_runtime;
