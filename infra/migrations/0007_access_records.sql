-- Every read of an inquiry's personal data, written before the data is sent (DESIGN.md: audit trail).
CREATE SCHEMA IF NOT EXISTS audit;
CREATE TABLE audit.access_records (
    tenant_id  text        NOT NULL,
    id         bigint      GENERATED ALWAYS AS IDENTITY,
    at         timestamptz NOT NULL DEFAULT now(),
    account_id uuid        NOT NULL,
    role       text        NOT NULL,
    inquiry_id uuid        NOT NULL,
    purpose    text        NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE audit.access_records ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit.access_records FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit.access_records USING (tenant_id = current_setting('app.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT USAGE ON SCHEMA audit TO ombud_reader;
GRANT SELECT ON audit.access_records TO ombud_reader;
