-- The outreach page lists each activity by title and audience: add them, and empty the read model so the
-- worker replays the outreach projection from the events (which always held both).
ALTER TABLE read.outreach ADD COLUMN title text NOT NULL DEFAULT '', ADD COLUMN audience text NOT NULL DEFAULT '';
TRUNCATE read.outreach;  -- TRUNCATE is not filtered by row-level security; DELETE would see no tenant here
ALTER TABLE read.positions NO FORCE ROW LEVEL SECURITY;
DELETE FROM read.positions WHERE projection = 'outreach';
ALTER TABLE read.positions FORCE ROW LEVEL SECURITY;
