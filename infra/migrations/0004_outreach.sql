-- Outreach activities per tenant, for the annual report's count of information work.
CREATE TABLE read.outreach (
    tenant_id    text    NOT NULL,
    id           uuid    NOT NULL,
    held_on      date    NOT NULL,
    kind         text    NOT NULL,
    participants integer,
    cancelled    boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE read.outreach ENABLE ROW LEVEL SECURITY;
ALTER TABLE read.outreach FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON read.outreach USING (tenant_id = current_setting('app.tenant_id', true))
    WITH CHECK (tenant_id = current_setting('app.tenant_id', true));
GRANT SELECT ON read.outreach TO ombud_reader;
