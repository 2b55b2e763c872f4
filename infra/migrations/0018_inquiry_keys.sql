-- Per-inquiry data keys (crypto-shredding, docs/security.md "Key hierarchy"). Each inquiry's personal and free-text
-- fields are sealed with its own AES-256 key, kept here wrapped by the tenant key. Erasure sets wrapped_key to NULL
-- and destroyed_at to the time: the one row change erasure makes; no event or other stored byte is rewritten.
CREATE TABLE platform.inquiry_keys (
    tenant_id    text        NOT NULL,
    inquiry_id   uuid        NOT NULL,
    wrapped_key  bytea,
    created_at   timestamptz NOT NULL DEFAULT now(),
    destroyed_at timestamptz,
    PRIMARY KEY (tenant_id, inquiry_id),
    CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
);
ALTER TABLE platform.inquiry_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.inquiry_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.inquiry_keys
    USING (tenant_id = (SELECT current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id', true)));
ALTER TABLE platform.inquiry_keys OWNER TO ombud_owner;

-- The only update the table takes is the destruction of a live key: a key never comes back, nor changes.
CREATE FUNCTION platform.inquiry_key_only_destroyed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.wrapped_key IS NULL OR NEW.wrapped_key IS NOT NULL OR NEW.destroyed_at IS NULL THEN
        RAISE EXCEPTION 'an inquiry key can only be destroyed, once' USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
ALTER FUNCTION platform.inquiry_key_only_destroyed() OWNER TO ombud_owner;
CREATE TRIGGER only_destroyed BEFORE UPDATE ON platform.inquiry_keys
    FOR EACH ROW EXECUTE FUNCTION platform.inquiry_key_only_destroyed();

-- The app adds keys, reads them, and destroys them (UPDATE of these two columns only); never DELETE.
GRANT INSERT, SELECT ON platform.inquiry_keys TO ombud_runtime;
GRANT UPDATE (wrapped_key, destroyed_at) ON platform.inquiry_keys TO ombud_runtime;
