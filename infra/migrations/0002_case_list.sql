-- Read models: shared tables keyed by tenant, protected by row-level security even for their owner.
CREATE SCHEMA IF NOT EXISTS read;
GRANT USAGE ON SCHEMA read TO ombud_reader;

CREATE TABLE read.positions (
    tenant_id  text   NOT NULL,
    projection text   NOT NULL,
    position   bigint NOT NULL,
    PRIMARY KEY (tenant_id, projection)
);

CREATE TABLE read.inquiries (
    tenant_id         text    NOT NULL,
    id                uuid    NOT NULL,
    reference         text    NOT NULL,
    version           integer NOT NULL,
    status            text    NOT NULL CHECK (status IN ('open', 'resolved')),
    received_on       date    NOT NULL,
    channel           text    NOT NULL,
    requester_role    text    NOT NULL,
    primary_area      text    NOT NULL,
    further_areas     text[]  NOT NULL,
    case_types        text[]  NOT NULL,
    outside_mandate   boolean NOT NULL,
    assignee          text,
    interim_reply_on  date,
    first_response_on date,
    forwarded_to      text[]  NOT NULL DEFAULT '{}',
    meetings          integer NOT NULL DEFAULT 0,
    complaints_sent   integer NOT NULL DEFAULT 0,
    resolved_on       date,
    outcome           text,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, reference)
);
CREATE INDEX inquiries_by_tenant_and_received ON read.inquiries (tenant_id, received_on DESC);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['positions', 'inquiries'] LOOP
        EXECUTE format('ALTER TABLE read.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE read.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY tenant_isolation ON read.%I USING (tenant_id = current_setting(''app.tenant_id'', true)) '
            'WITH CHECK (tenant_id = current_setting(''app.tenant_id'', true))', t);
    END LOOP;
END
$$;
GRANT SELECT ON read.inquiries TO ombud_reader;
