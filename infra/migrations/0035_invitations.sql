-- A new office's first administrator is invited by a platform administrator with a one-time link
-- (services/accounts.py, docs/security.md "Invitations"): only the SHA-256 of the link's token is kept, the link works
-- once and until it expires, and the account is made when the invited person chooses a password on that page. No
-- password ever passes through the platform administrator. Read and changed only through the functions below, each
-- writing its account record in the same transaction ('invited' by the administrator, 'created' by the person).
CREATE TABLE platform.invitations (
    token_hash   bytea       PRIMARY KEY CHECK (octet_length(token_hash) = 32),
    account_id   uuid        NOT NULL UNIQUE,
    tenant_id    text        NOT NULL,
    email        text        NOT NULL,
    role         text        NOT NULL CHECK (role = 'tenant_admin'),
    display_name text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);
ALTER TABLE platform.invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY owner_only ON platform.invitations TO ombud_owner USING (true) WITH CHECK (true);
ALTER TABLE platform.invitations OWNER TO ombud_owner;

ALTER TABLE audit.account_records DROP CONSTRAINT account_records_change_check;
ALTER TABLE audit.account_records ADD CONSTRAINT account_records_change_check
    CHECK (change IN ('created', 'role_changed', 'deactivated', 'reactivated', 'password_reset', 'name_set',
                      'invited'));

-- False when the address already has an account. A new invitation to the same address ends the earlier open ones.
CREATE FUNCTION platform.invite_account(token bytea, account uuid, tenant text, address text, account_role text,
                                        name text, valid_for interval, actor_id text, actor_role text)
    RETURNS boolean
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM platform.tenants WHERE slug = tenant) THEN
        RAISE EXCEPTION 'no such tenant' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF EXISTS (SELECT 1 FROM platform.accounts WHERE email = address) THEN
        RETURN false;
    END IF;
    UPDATE platform.invitations SET expires_at = least(expires_at, now())
    WHERE email = address AND used_at IS NULL AND expires_at > now();
    INSERT INTO platform.invitations (token_hash, account_id, tenant_id, email, role, display_name, expires_at)
    VALUES (token, account, tenant, address, account_role, name, now() + valid_for);
    PERFORM platform.record_account_change(tenant, account, 'invited', account_role, NULL, actor_id, actor_role);
    RETURN true;
END
$$;

-- The open invitation a token names (unused, unexpired), or no row.
CREATE FUNCTION platform.open_invitation(token bytea)
    RETURNS TABLE (email text, tenant_id text, role text, display_name text, expires_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT i.email, i.tenant_id, i.role, i.display_name, i.expires_at FROM platform.invitations i
    WHERE i.token_hash = token AND i.used_at IS NULL AND i.expires_at > now()
$$;

-- Uses the invitation (once) and makes its account with the chosen password's hash; NULL when the token is unknown,
-- used or expired, or the address has an account by now (the invitation is then used up all the same).
CREATE FUNCTION platform.accept_invitation(token bytea, hash text) RETURNS uuid
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE invitation platform.invitations%ROWTYPE;
BEGIN
    SELECT * INTO invitation FROM platform.invitations i
    WHERE i.token_hash = token AND i.used_at IS NULL AND i.expires_at > now() FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    UPDATE platform.invitations SET used_at = now() WHERE token_hash = token;
    INSERT INTO platform.accounts (id, email, role, tenant_id, password_hash, display_name)
    VALUES (invitation.account_id, invitation.email, invitation.role, invitation.tenant_id, hash,
            invitation.display_name)
    ON CONFLICT (email) DO NOTHING;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    PERFORM platform.record_account_change(invitation.tenant_id, invitation.account_id, 'created', invitation.role,
                                           NULL, invitation.account_id::text, invitation.role);
    RETURN invitation.account_id;
END
$$;

DO $$
DECLARE f text;
BEGIN
    FOREACH f IN ARRAY ARRAY[
        'platform.invite_account(bytea, uuid, text, text, text, text, interval, text, text)',
        'platform.open_invitation(bytea)', 'platform.accept_invitation(bytea, text)'] LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO ombud_owner', f);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO ombud_web', f);
    END LOOP;
END
$$;
