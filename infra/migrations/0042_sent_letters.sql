-- The very PDF/A of each letter the office marked as sent (services/sent_letters.py): AES-GCM under the inquiry's key,
-- so Inquiry.LetterSent's checksum names bytes the archive can take, and erasure (the key destroyed) makes them
-- unreadable with the rest of the inquiry. Rows are only added: a sent letter never changes.
CREATE TABLE platform.sent_letters (
    tenant_id   text        NOT NULL,
    inquiry_id  uuid        NOT NULL,
    sha256      text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    sealed      bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, inquiry_id, sha256)
);
ALTER TABLE platform.sent_letters ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.sent_letters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.sent_letters
    USING (tenant_id = (SELECT current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id', true)));
ALTER TABLE platform.sent_letters OWNER TO ombud_owner;

-- The web records letters as sent and serves them; never UPDATE or DELETE.
GRANT INSERT, SELECT ON platform.sent_letters TO ombud_web;
