-- Annual reports as delivered to the council (docs/audit-reports.md): which chain position the figures were computed
-- from, so `ombud report annual --as-delivered` and the statistics page recompute exactly those figures from the events
-- up to that position, however the figures have changed since. `figures` keeps the report as delivered, to check the
-- recomputation against and to show what changed; it is never the source of the recomputation. Appended only: a later
-- delivery of the same year supersedes an earlier one, and both stay.
CREATE TABLE read.delivered_reports (
    tenant_id        text        NOT NULL,
    year             integer     NOT NULL,
    taxonomy_version integer,                -- NULL: each inquiry under the version in force when it was received
    delivered_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    delivered_by     text        NOT NULL,   -- the account id (web) or the operator's name (CLI)
    chain_length     bigint      NOT NULL CHECK (chain_length >= 0),
    chain_head       bytea       NOT NULL CHECK (octet_length(chain_head) = 32),
    events_through   bigint      NOT NULL CHECK (events_through >= 0),  -- highest event notification id in the chain
    figures          jsonb       NOT NULL,
    PRIMARY KEY (tenant_id, year, delivered_at)
);
ALTER TABLE read.delivered_reports ENABLE ROW LEVEL SECURITY;
ALTER TABLE read.delivered_reports FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON read.delivered_reports
    USING (tenant_id = (SELECT current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id', true)));
ALTER TABLE read.delivered_reports OWNER TO ombud_owner;
GRANT SELECT ON read.delivered_reports TO ombud_reader;
GRANT SELECT, INSERT ON read.delivered_reports TO ombud_runtime;
