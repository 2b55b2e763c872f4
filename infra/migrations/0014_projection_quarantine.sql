-- Projections set aside (docs/security.md): an event a tenant's projection cannot apply stops that projection of
-- that tenant only. The row says where and why without personal data: the event's position and topic, and the
-- exception's type (never its message, never event data). The worker writes it; the platform admin reads every
-- tenant's rows through one narrow function, so row-level security stays whole for everyone else.
CREATE TABLE read.projection_quarantine (
    tenant_id  text        NOT NULL,
    projection text        NOT NULL,
    position   bigint      NOT NULL,
    topic      text        NOT NULL,
    reason     text        NOT NULL CHECK (reason ~ '^[A-Za-z_][A-Za-z0-9_]{0,99}$'),
    since      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, projection)
);
ALTER TABLE read.projection_quarantine ENABLE ROW LEVEL SECURITY;
ALTER TABLE read.projection_quarantine FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON read.projection_quarantine
    USING (tenant_id = (SELECT current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id', true)));
-- Only the owner, and so only the function below, reads across tenants.
CREATE POLICY platform_overview ON read.projection_quarantine FOR SELECT TO ombud_owner USING (true);
GRANT USAGE ON SCHEMA read TO ombud_owner;
ALTER TABLE read.projection_quarantine OWNER TO ombud_owner;
GRANT SELECT, INSERT, UPDATE, DELETE ON read.projection_quarantine TO ombud_runtime;

CREATE FUNCTION read.quarantined_projections()
    RETURNS TABLE (tenant_id text, projection text, "position" bigint, topic text, reason text, since timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT q.tenant_id, q.projection, q.position, q.topic, q.reason, q.since
    FROM read.projection_quarantine AS q ORDER BY q.tenant_id, q.projection
$$;
ALTER FUNCTION read.quarantined_projections() OWNER TO ombud_owner;
REVOKE ALL ON FUNCTION read.quarantined_projections() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION read.quarantined_projections() TO ombud_reader, ombud_runtime;
