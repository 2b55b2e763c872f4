-- The roles of least privilege (docs/security.md): ombud_owner owns every table; ombud_runtime is what the web and
-- the worker may do, granted to the login named in DATABASE_URL by `ombud migrate`. Roles are cluster-wide, so two
-- databases migrating at once may race to create them: a role that appeared meanwhile is fine.
DO $$
DECLARE r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['ombud_owner', 'ombud_runtime'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE', r);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
            END;
        END IF;
    END LOOP;
END
$$;
GRANT ombud_reader TO ombud_runtime;
