-- Live search matches the start of a reference as typed («2024-01» finds 2024-0100 … 2024-0199). Under row-level
-- security only leakproof operators reach an index; the pattern operators (~>=~, ~<~) are, ILIKE is not, so a
-- substring search scanned every row of the tenant (docs/performance.md, "Pages").
CREATE INDEX inquiries_by_reference_prefix ON read.inquiries (tenant_id, reference text_pattern_ops);
