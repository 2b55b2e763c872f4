-- The app's login held to its records (docs/security.md, "Database roles"): the web and the worker get logins of
-- their own, in the group roles ombud_web and ombud_worker_role, which replace ombud_runtime's grants in this
-- database. Only the worker writes read models and the chain's status; accounts, the removal of a tenant and the
-- sharing flag change only through the SECURITY DEFINER functions below, each writing its record in the same
-- transaction; no login reads a password hash but the sign-in function. `ombud migrate` makes the roles and their
-- memberships (infra/migrate.py, race-safe: roles are cluster-wide); this file only grants.

-- ombud_runtime keeps its name for other installations on the same server (roles are global), and nothing here.
REVOKE ALL ON ALL TABLES IN SCHEMA events, platform, read, audit FROM ombud_runtime;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA events, platform, read, audit FROM ombud_runtime;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA events, platform, read, audit FROM ombud_runtime;
REVOKE ALL ON SCHEMA events, platform, read, audit FROM ombud_runtime;
REVOKE ALL ON public.ombud_migrations FROM ombud_runtime;

GRANT USAGE ON SCHEMA events, platform, read, audit TO ombud_web, ombud_worker_role;
GRANT SELECT ON public.ombud_migrations TO ombud_web, ombud_worker_role;  -- commands check that the schema is current

-- Each tenant's events: the web appends and reads, the worker reads (events.create_tenant_tables grants the same).
DO $$
DECLARE t record;
BEGIN
    FOR t IN SELECT c.oid::regclass AS events_table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'events' AND c.relkind = 'r' LOOP
        EXECUTE format('GRANT SELECT, INSERT ON %s TO ombud_web', t.events_table);
        EXECUTE format('GRANT SELECT ON %s TO ombud_worker_role', t.events_table);
        EXECUTE format('GRANT USAGE ON SEQUENCE %s TO ombud_web',
            pg_get_serial_sequence(t.events_table::text, 'notification_id'));
    END LOOP;
END
$$;

-- The tenants: every process lists them; the web adds one (its removal and its sharing flag: functions below).
GRANT SELECT, INSERT ON platform.tenants TO ombud_web;
GRANT SELECT (slug, shares_statistics) ON platform.tenants TO ombud_worker_role;

-- Staff accounts: read without the password hash; changed only through the functions below.
GRANT SELECT (id, email, role, tenant_id, created_at, active, session_generation, display_name) ON platform.accounts
    TO ombud_web;

-- Inquiry keys: the web adds them and destroys them (erasure); a trigger lets an update only destroy a live key.
GRANT INSERT, SELECT ON platform.inquiry_keys TO ombud_web;
GRANT UPDATE (wrapped_key, destroyed_at) ON platform.inquiry_keys TO ombud_web;

-- Access records: appended by the web, read by both (the worker seals them into the chain).
GRANT SELECT, INSERT ON audit.access_records TO ombud_web;
GRANT SELECT ON audit.access_records TO ombud_worker_role;
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO ombud_web', pg_get_serial_sequence('audit.access_records', 'id'));
END
$$;
-- Account records: written by the account functions only; read by both.
GRANT SELECT ON audit.account_records TO ombud_web, ombud_worker_role;

-- The chain: the worker seals and signs; the web seals too before it records a delivered report (the head it names
-- must cover every event), never signs; only the worker writes its verdict (audit.chain_status).
GRANT SELECT, INSERT ON audit.chain_entries TO ombud_web, ombud_worker_role;
GRANT SELECT ON audit.chain_checkpoints TO ombud_web;
GRANT SELECT, INSERT ON audit.chain_checkpoints TO ombud_worker_role;
GRANT SELECT ON audit.chain_status TO ombud_web;
GRANT SELECT, INSERT, UPDATE ON audit.chain_status TO ombud_worker_role;

-- Read models: the worker's. The web reads them, appends a delivered report, and folds a delivery's events again
-- into the report's tables under a private tenant id (a `~` in it, which no slug has) inside a transaction it rolls
-- back (projections/delivered_reports.py): a restrictive policy holds its writes to such ids, so it changes no
-- tenant's rows.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA read TO ombud_worker_role;
REVOKE INSERT, UPDATE, DELETE ON read.delivered_reports FROM ombud_worker_role;
GRANT SELECT ON ALL TABLES IN SCHEMA read TO ombud_web;
REVOKE SELECT ON read.projection_quarantine FROM ombud_web;  -- the platform admin reads it through its function
GRANT INSERT ON read.delivered_reports TO ombud_web;
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['read.inquiries', 'read.year_statistics', 'read.area_days', 'read.network_figures',
                             'read.network_offices', 'read.network_years', 'read.outreach'] LOOP
        EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO ombud_web', t);
        EXECUTE format('CREATE POLICY web_inserts_private ON %s AS RESTRICTIVE FOR INSERT TO ombud_web'
                       ' WITH CHECK (strpos(tenant_id, ''~'') > 0)', t);
        EXECUTE format('CREATE POLICY web_updates_private ON %s AS RESTRICTIVE FOR UPDATE TO ombud_web'
                       ' USING (strpos(tenant_id, ''~'') > 0) WITH CHECK (strpos(tenant_id, ''~'') > 0)', t);
        EXECUTE format('CREATE POLICY web_deletes_private ON %s AS RESTRICTIVE FOR DELETE TO ombud_web'
                       ' USING (strpos(tenant_id, ''~'') > 0)', t);
    END LOOP;
END
$$;
GRANT EXECUTE ON FUNCTION read.quarantined_projections() TO ombud_worker_role;

-- What the web did with a tenant beyond its events: its removal and each change of its sharing flag. Written by the
-- functions below only (no login may INSERT), read by the platform's reader under the tenant's setting.
CREATE TABLE audit.tenant_records (
    tenant_id  text        NOT NULL,
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    at         timestamptz NOT NULL DEFAULT now(),
    change     text        NOT NULL CHECK (change IN ('removed', 'sharing_started', 'sharing_stopped')),
    actor_id   text        NOT NULL,
    actor_role text        NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE audit.tenant_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.tenant_records FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit.tenant_records
    USING (tenant_id = (SELECT current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id', true)));
ALTER TABLE audit.tenant_records OWNER TO ombud_owner;
GRANT SELECT ON audit.tenant_records TO ombud_reader;

-- The owner's functions write across tenants, each naming the tenant itself (nothing else runs as the owner).
CREATE POLICY owner_writes ON platform.accounts TO ombud_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_appends ON audit.account_records FOR INSERT TO ombud_owner WITH CHECK (true);
CREATE POLICY owner_appends ON audit.tenant_records FOR INSERT TO ombud_owner WITH CHECK (true);

-- One account record, under the audit chain's record writers' lock of its scope (projections/audit_chain.py).
CREATE FUNCTION platform.record_account_change(scope text, account uuid, what text, now_role text, was_role text,
                                               actor_id text, actor_role text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7141594, hashtext(scope));
    INSERT INTO audit.account_records (tenant_id, account_id, change, role, previous_role, actor_id, actor_role)
    VALUES (scope, account, what, now_role, was_role, actor_id, actor_role);
END
$$;

CREATE FUNCTION platform.create_account(account uuid, address text, account_role text, tenant text, hash text,
                                        name text, actor_id text, actor_role text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    INSERT INTO platform.accounts (id, email, role, tenant_id, password_hash, display_name)
    VALUES (account, address, account_role, tenant, hash, name) ON CONFLICT (email) DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM platform.record_account_change(coalesce(tenant, '_platform'), account, 'created', account_role, NULL,
                                           actor_id, actor_role);
    RETURN true;
END
$$;

CREATE FUNCTION platform.change_role(account uuid, tenant text, new_role text, actor_id text, actor_role text)
    RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE was text;
BEGIN
    IF tenant IS NULL THEN  -- a tenant's administrator moves the tenant's accounts; the platform's have no such move
        RETURN false;
    END IF;
    SELECT a.role INTO was FROM platform.accounts a WHERE a.id = account AND a.tenant_id = tenant FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    UPDATE platform.accounts SET role = new_role, session_generation = session_generation + 1 WHERE id = account;
    PERFORM platform.record_account_change(tenant, account, 'role_changed', new_role, was, actor_id, actor_role);
    RETURN true;
END
$$;

CREATE FUNCTION platform.set_account_active(account uuid, tenant text, make_active boolean, actor_id text,
                                            actor_role text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE target platform.accounts%ROWTYPE;
BEGIN
    SELECT * INTO target FROM platform.accounts a WHERE a.id = account AND a.tenant_id IS NOT DISTINCT FROM tenant
        FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF target.active <> make_active THEN
        UPDATE platform.accounts SET active = make_active, session_generation = session_generation + 1
        WHERE id = account;
        PERFORM platform.record_account_change(coalesce(tenant, '_platform'), account,
            CASE WHEN make_active THEN 'reactivated' ELSE 'deactivated' END, target.role, NULL, actor_id, actor_role);
    END IF;
    RETURN true;
END
$$;

CREATE FUNCTION platform.set_display_name(account uuid, tenant text, name text, actor_id text, actor_role text)
    RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE target platform.accounts%ROWTYPE;
BEGIN
    SELECT * INTO target FROM platform.accounts a WHERE a.id = account AND a.tenant_id IS NOT DISTINCT FROM tenant
        FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF target.display_name IS DISTINCT FROM name THEN
        UPDATE platform.accounts SET display_name = name WHERE id = account;
        PERFORM platform.record_account_change(coalesce(tenant, '_platform'), account, 'name_set', target.role, NULL,
                                               actor_id, actor_role);
    END IF;
    RETURN true;
END
$$;

CREATE FUNCTION platform.reset_password(address text, hash text, actor_id text, actor_role text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE target platform.accounts%ROWTYPE;
BEGIN
    UPDATE platform.accounts SET password_hash = hash, session_generation = session_generation + 1
    WHERE email = address RETURNING * INTO target;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM platform.record_account_change(coalesce(target.tenant_id, '_platform'), target.id, 'password_reset',
                                           target.role, NULL, actor_id, actor_role);
    RETURN true;
END
$$;

-- A tenant is taken back only while it holds nothing: no event (its table locked against a concurrent append) and no
-- account; so its key goes with nothing it ever sealed. Used when a new tenant's tables or first event fail.
CREATE FUNCTION platform.remove_tenant(tenant_slug text, actor_id text, actor_role text) RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    events_table regclass;
    has_events boolean := false;
BEGIN
    PERFORM 1 FROM platform.tenants WHERE slug = tenant_slug FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    events_table := to_regclass(format('events.%I', 'tenant_' || replace(tenant_slug, '-', '_') || '_events'));
    IF events_table IS NOT NULL THEN
        EXECUTE format('LOCK TABLE %s IN SHARE MODE', events_table);
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', events_table) INTO has_events;
    END IF;
    IF has_events OR EXISTS (SELECT 1 FROM platform.accounts WHERE tenant_id = tenant_slug) THEN
        RAISE EXCEPTION 'a tenant with events or accounts is never removed' USING ERRCODE = 'check_violation';
    END IF;
    DELETE FROM platform.tenants WHERE slug = tenant_slug;
    INSERT INTO audit.tenant_records (tenant_id, change, actor_id, actor_role)
    VALUES (tenant_slug, 'removed', actor_id, actor_role);
    RETURN true;
END
$$;

-- The network's flag (0024_statistics_sharing.sql) and its record, in one transaction; false: no such tenant. The
-- office's own event is recorded by the platform in the safe order around this call (services/platform.py).
CREATE FUNCTION platform.set_statistics_sharing(tenant_slug text, shares boolean, actor_id text, actor_role text)
    RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE was boolean;
BEGIN
    SELECT t.shares_statistics INTO was FROM platform.tenants t WHERE t.slug = tenant_slug FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF was <> shares THEN
        UPDATE platform.tenants SET shares_statistics = shares WHERE slug = tenant_slug;
        INSERT INTO audit.tenant_records (tenant_id, change, actor_id, actor_role)
        VALUES (tenant_slug, CASE WHEN shares THEN 'sharing_started' ELSE 'sharing_stopped' END, actor_id, actor_role);
    END IF;
    RETURN true;
END
$$;

-- A new tenant's event table: as 0016, granted to the web (append, read) and the worker (read).
CREATE OR REPLACE FUNCTION events.create_tenant_tables(tenant_slug text) RETURNS text
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    events_table text;
BEGIN
    IF tenant_slug IS NULL OR tenant_slug !~ '^[a-z][a-z0-9-]{1,39}$' THEN
        RAISE EXCEPTION 'not a tenant slug' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM platform.tenants WHERE slug = tenant_slug) THEN
        RAISE EXCEPTION 'no such tenant' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    events_table := 'tenant_' || replace(tenant_slug, '-', '_') || '_events';  -- services/application.py
    EXECUTE format(
        'CREATE TABLE IF NOT EXISTS events.%I (originator_id uuid NOT NULL, originator_version bigint NOT NULL, '
        'topic text, state bytea, notification_id bigserial, PRIMARY KEY (originator_id, originator_version)) '
        'WITH (autovacuum_enabled = true, autovacuum_vacuum_threshold = 100000000, '
        'autovacuum_vacuum_scale_factor = 0.5, autovacuum_analyze_threshold = 1000, '
        'autovacuum_analyze_scale_factor = 0.01)', events_table);
    EXECUTE format('CREATE UNIQUE INDEX IF NOT EXISTS %I ON events.%I (notification_id ASC)',
        events_table || '_notification_id_idx', events_table);
    EXECUTE format('GRANT SELECT, INSERT ON events.%I TO ombud_web', events_table);
    EXECUTE format('GRANT SELECT ON events.%I TO ombud_worker_role', events_table);
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO ombud_web',
        pg_get_serial_sequence(format('events.%I', events_table), 'notification_id'));
    RETURN events_table;
END
$$;

DO $$
DECLARE f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['platform.record_account_change(text, uuid, text, text, text, text, text)',
        'platform.create_account(uuid, text, text, text, text, text, text, text)',
        'platform.change_role(uuid, text, text, text, text)',
        'platform.set_account_active(uuid, text, boolean, text, text)',
        'platform.set_display_name(uuid, text, text, text, text)',
        'platform.reset_password(text, text, text, text)',
        'platform.remove_tenant(text, text, text)',
        'platform.set_statistics_sharing(text, boolean, text, text)',
        'events.create_tenant_tables(text)', 'platform.account_for_sign_in(text)'] LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO ombud_owner', f);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        IF f NOT LIKE 'platform.record_account_change%' THEN
            EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO ombud_web', f);
        END IF;
    END LOOP;
END
$$;
