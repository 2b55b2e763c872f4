-- Running counts for the annual report, kept by the worker with the case list (projections/statistics.py).
CREATE TABLE read.year_statistics (
    tenant_id text    NOT NULL,
    year      integer NOT NULL,
    measure   text    NOT NULL,
    key       text    NOT NULL,
    n         bigint  NOT NULL,
    PRIMARY KEY (tenant_id, year, measure, key)
);
-- Per day, because a taxonomy version can take effect on any date (Trondheim: 13 June 2024).
CREATE TABLE read.area_days (
    tenant_id   text    NOT NULL,
    received_on date    NOT NULL,
    area        text    NOT NULL,
    is_primary  boolean NOT NULL,
    n           bigint  NOT NULL,
    PRIMARY KEY (tenant_id, received_on, area, is_primary)
);
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['year_statistics', 'area_days'] LOOP
        EXECUTE format('ALTER TABLE read.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE read.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON read.%I USING (tenant_id = current_setting(''app.tenant_id'', true)) '
            'WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', t);
        EXECUTE format('GRANT SELECT ON read.%I TO ombud_reader', t);
    END LOOP;
END
$$;
-- The counts start from the first event: the case list is rebuilt with them.
DELETE FROM read.inquiries;
DELETE FROM read.positions WHERE projection = 'case_list';
