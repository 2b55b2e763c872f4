-- Least privilege (docs/security.md, "Database roles"): what the app's login (a member of ombud_runtime) may do, and
-- the one SECURITY DEFINER function through which it makes a new tenant's tables. `ombud migrate` hands every
-- schema, table, sequence, type and function of ours to ombud_owner after each run (infra/migrate.py).

-- The row type the library's insert unnests, made once here so that the app never runs DDL for it.
DO $$
BEGIN
    CREATE TYPE events.stored_event_uuid AS (originator_id uuid, originator_version bigint, topic text, state bytea);
EXCEPTION WHEN duplicate_object THEN NULL;
END
$$;

GRANT USAGE ON SCHEMA events, platform, read, audit TO ombud_runtime;
GRANT SELECT ON public.ombud_migrations TO ombud_runtime;  -- commands check that the schema is up to date

-- The tenants and their wrapped keys: every process lists them. DELETE takes back a tenant whose tables could not
-- be made (services/platform.py); nothing changes a tenant's key.
GRANT SELECT, INSERT, DELETE ON platform.tenants TO ombud_runtime;

-- Staff accounts hold a tenant's people: row-level security as for the read models. The platform's own staff
-- (network, platform_admin) belong to no tenant and are read and written with no tenant set.
GRANT SELECT, INSERT, UPDATE (role, active, session_generation, password_hash) ON platform.accounts TO ombud_runtime;
GRANT USAGE ON SCHEMA platform TO ombud_reader;
GRANT SELECT (id, email, role, tenant_id, created_at, active, session_generation) ON platform.accounts TO ombud_reader;
ALTER TABLE platform.accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.accounts
    USING (tenant_id = (SELECT current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id', true)));
CREATE POLICY platform_staff ON platform.accounts
    USING (tenant_id IS NULL AND (SELECT coalesce(current_setting('app.tenant_id', true), '')) = '')
    WITH CHECK (tenant_id IS NULL AND (SELECT coalesce(current_setting('app.tenant_id', true), '')) = '');
-- Only the owner's functions run as the owner: they read every account (sign-in, below).
CREATE POLICY owner_reads ON platform.accounts FOR SELECT TO ombud_owner USING (true);

-- Sign-in looks an account up by its address before any tenant is known: this one lookup, nothing wider.
CREATE FUNCTION platform.account_for_sign_in(address text) RETURNS SETOF platform.accounts
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ SELECT * FROM platform.accounts WHERE email = address $$;

-- Access records are appended and read, never changed.
GRANT SELECT, INSERT ON audit.access_records TO ombud_runtime;
DO $$
BEGIN
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO ombud_runtime', pg_get_serial_sequence('audit.access_records', 'id'));
END
$$;

-- Read models: the worker writes them (under each tenant's row-level security); the web reads them as ombud_reader.
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA read TO ombud_runtime;

-- A new tenant's event table, made at run time (platform admin in the web) by the owner, for a registered tenant
-- only: exactly the DDL of the library's PostgresApplicationRecorder (infra/eventstore.py calls this instead). The
-- library's es_insert_events function is left out: it is only used with enable_db_functions, which we do not set.
CREATE FUNCTION events.create_tenant_tables(tenant_slug text) RETURNS text
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
    EXECUTE format('GRANT SELECT, INSERT ON events.%I TO ombud_runtime', events_table);
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO ombud_runtime',
        pg_get_serial_sequence(format('events.%I', events_table), 'notification_id'));
    RETURN events_table;
END
$$;
REVOKE ALL ON FUNCTION events.create_tenant_tables(text), platform.account_for_sign_in(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION events.create_tenant_tables(text), platform.account_for_sign_in(text) TO ombud_runtime;

-- The tenants made before this migration: their event tables get the same grants.
DO $$
DECLARE t record;
BEGIN
    FOR t IN SELECT c.oid::regclass AS events_table FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'events' AND c.relkind = 'r' LOOP
        EXECUTE format('GRANT SELECT, INSERT ON %s TO ombud_runtime', t.events_table);
        EXECUTE format('GRANT USAGE ON SEQUENCE %s TO ombud_runtime',
            pg_get_serial_sequence(t.events_table::text, 'notification_id'));
    END LOOP;
END
$$;
