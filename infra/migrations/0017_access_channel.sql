-- Which way each read of personal data went, for the inhabitant's innsyn (docs/security.md, "Access log"): the case
-- page ('web'), a download or export ('download'), a letter ('letter'), the command line ('cli') or a search hit
-- ('search'). Every record before this one was a view of the case page. Writers name the channel: no default.
ALTER TABLE audit.access_records
    ADD COLUMN channel text NOT NULL DEFAULT 'web'
        CONSTRAINT access_records_channel CHECK (channel IN ('web', 'download', 'letter', 'cli', 'search'));
ALTER TABLE audit.access_records ALTER COLUMN channel DROP DEFAULT;
-- A read at the command line is made by an operator named with --actor, not by an account: the reader is an account
-- id or that name, as in audit.account_records.actor_id.
ALTER TABLE audit.access_records ALTER COLUMN account_id TYPE text USING account_id::text;
