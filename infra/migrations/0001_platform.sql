-- Schemas for the event store and the platform's own tables, and the read role of the query side.
CREATE SCHEMA IF NOT EXISTS events;
CREATE SCHEMA IF NOT EXISTS platform;

CREATE TABLE IF NOT EXISTS platform.tenants (
    slug        text PRIMARY KEY CHECK (slug ~ '^[a-z][a-z0-9-]{1,39}$'),
    wrapped_key bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ombud_reader') THEN
        CREATE ROLE ombud_reader NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;
