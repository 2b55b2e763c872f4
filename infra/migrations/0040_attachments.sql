-- An inquiry's attachments (docs/security.md "Attachments"): the file's bytes sealed with the inquiry's own key
-- (AES-256-GCM, tenant, inquiry and attachment as associated data), one row per attachment, written in the same
-- transaction as the `Inquiry.AttachmentAdded` event (infra/eventstore.py), so there is never an event without its
-- bytes nor bytes without their event. `pending` until the virus scan's `AttachmentScanned` clears it (same
-- transaction); an infected attachment's row, and every row of an erased inquiry, is deleted with its event.
CREATE TABLE platform.attachments (
    tenant_id     text        NOT NULL,
    inquiry_id    uuid        NOT NULL,
    attachment_id uuid        NOT NULL,
    ciphertext    bytea       NOT NULL,
    pending       boolean     NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, inquiry_id, attachment_id)
);
-- The sealed bytes are already compressed noise: stored out of line, never compressed again.
ALTER TABLE platform.attachments ALTER COLUMN ciphertext SET STORAGE EXTERNAL;
CREATE INDEX attachments_pending ON platform.attachments (tenant_id, created_at) WHERE pending;
ALTER TABLE platform.attachments ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform.attachments FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON platform.attachments
    USING (tenant_id = (SELECT current_setting('app.tenant_id', true)))
    WITH CHECK (tenant_id = (SELECT current_setting('app.tenant_id', true)));
ALTER TABLE platform.attachments OWNER TO ombud_owner;

-- The web's login writes events (and the worker's office writes through the same login): it adds attachments, reads
-- them, clears `pending` after a scan, and deletes the rows of an infected attachment or an erased inquiry.
GRANT SELECT, INSERT, DELETE ON platform.attachments TO ombud_web;
GRANT UPDATE (pending) ON platform.attachments TO ombud_web;
