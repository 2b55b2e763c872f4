-- The case list keeps complaint outcomes for the statistics; rebuilt from zero by the worker.
ALTER TABLE read.inquiries ADD COLUMN complaint_outcomes text[] NOT NULL DEFAULT '{}';
TRUNCATE read.inquiries, read.positions;
GRANT SELECT ON read.positions TO ombud_reader;
