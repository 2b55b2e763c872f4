-- Staff accounts for signing in: one email, one role, and the tenant for the roles that have one.
CREATE TABLE platform.accounts (
    id            uuid PRIMARY KEY,
    email         text NOT NULL UNIQUE CHECK (email = lower(email)),
    role          text NOT NULL CHECK (role IN ('caseworker', 'tenant_admin', 'auditor', 'network', 'platform_admin')),
    tenant_id     text REFERENCES platform.tenants (slug),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((tenant_id IS NULL) = (role IN ('network', 'platform_admin')))
);
