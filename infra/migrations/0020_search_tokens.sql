-- The blind index (docs/security.md "Search by name and words"): one row per search word of an inquiry's requester
-- name and summary, as an HMAC-SHA256 under the tenant's search key. No plaintext: the database can match a typed
-- word's hash, not read a name. Written by the worker from the Received event; an erasure deletes the rows.
CREATE TABLE read.search_tokens (
    tenant_id  text  NOT NULL,
    inquiry_id uuid  NOT NULL,
    token      bytea NOT NULL,
    PRIMARY KEY (tenant_id, inquiry_id, token)
);
CREATE INDEX search_tokens_by_token ON read.search_tokens (tenant_id, token);
ALTER TABLE read.search_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE read.search_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON read.search_tokens
    USING (tenant_id = (SELECT current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id', true)));
GRANT SELECT ON read.search_tokens TO ombud_reader;
GRANT SELECT, INSERT, DELETE ON read.search_tokens TO ombud_runtime;
