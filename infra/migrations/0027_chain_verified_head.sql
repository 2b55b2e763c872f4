-- The worker verifies each audit chain incrementally (docs/audit.md): each new stretch once, from the head it last
-- verified, which is kept here beside the length; the full re-verification runs on its own schedule.
ALTER TABLE audit.chain_status ADD COLUMN verified_head bytea CHECK (octet_length(verified_head) = 32);
