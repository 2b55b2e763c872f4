-- The national network's figures (projections/network_figures.py): per tenant and year the counts of inquiries the
-- network publishes, already mapped to the national groups, kept by the worker with the case list and its running
-- statistics (one transaction). Counts only: never a case, a name or free text. Beside them each tenant's name and
-- population as the network shows them, its areas' national groups per taxonomy version (what the worker maps by),
-- and versions (digests of the content) that the network report's cache is keyed on.
CREATE TABLE read.network_figures (
    tenant_id text    NOT NULL,
    year      integer NOT NULL,
    measure   text    NOT NULL,
    key       text    NOT NULL,
    n         bigint  NOT NULL,
    PRIMARY KEY (tenant_id, year, measure, key)
);
CREATE INDEX network_figures_by_year ON read.network_figures (year, tenant_id);
CREATE TABLE read.network_offices (
    tenant_id    text    PRIMARY KEY,
    name         text    NOT NULL,
    population   integer,
    groups       jsonb   NOT NULL,  -- [[effective_from, {area: group}], …] per taxonomy version, oldest first
    version      text    NOT NULL  -- a digest of the three above: what the network's cached reports are valid for
);
-- Each tenant's year as one row, rewritten by the worker from the counts above whenever they change: what the
-- network reads (4,000 rows for 400 offices × 10 years instead of 150,000), with a version (md5 of the counts), so the
-- report is worked out again only for the years whose counts changed, and a rebuild gives the same rows.
CREATE TABLE read.network_years (
    tenant_id text     NOT NULL,
    year      integer  NOT NULL,
    measures  text[]   NOT NULL,
    keys      text[]   NOT NULL,
    ns        bigint[] NOT NULL,
    version   text     NOT NULL,
    PRIMARY KEY (tenant_id, year)
);

-- The network's role: reads these three tables of every tenant, and nothing else of any tenant. Only
-- projections/reading.py's network_transaction takes it, and sets app.network with it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ombud_network') THEN
        BEGIN
            CREATE ROLE ombud_network NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
END
$$;
GRANT ombud_network TO ombud_runtime;
GRANT USAGE ON SCHEMA read, platform TO ombud_network;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['network_figures', 'network_offices', 'network_years'] LOOP
        EXECUTE format('ALTER TABLE read.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE read.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON read.%I USING (tenant_id = (SELECT current_setting(''app.tenant_id'', true))) '
            'WITH CHECK (tenant_id = (SELECT current_setting(''app.tenant_id'', true)))', t);
        -- Every tenant's rows, read only, for the network's role inside the network's transaction only.
        EXECUTE format(
            'CREATE POLICY network_reads ON read.%I FOR SELECT TO ombud_network '
            'USING ((SELECT current_setting(''app.network'', true)) = ''on'')', t);
        EXECUTE format('GRANT SELECT ON read.%I TO ombud_reader, ombud_network', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON read.%I TO ombud_runtime', t);
    END LOOP;
END
$$;

-- Which tenants share (0024): the network reads the flag in the same query as the figures, and nothing else there.
GRANT SELECT (slug, shares_statistics) ON platform.tenants TO ombud_network;

-- The figures start from the first event: the case list and its counts are rebuilt with them by the worker.
DELETE FROM read.inquiries;
DELETE FROM read.year_statistics;
DELETE FROM read.area_days;
DELETE FROM read.positions WHERE projection = 'case_list';
