-- The inquiry list reads one page in its sort order, and the office's caseworkers for its filter: without these
-- indexes each request sorted or scanned all of the tenant's inquiries (docs/performance.md, "Pages").
CREATE INDEX inquiries_newest_first ON read.inquiries (tenant_id, received_on DESC, reference DESC);
DROP INDEX read.inquiries_by_tenant_and_received;  -- a prefix of the index above
CREATE INDEX inquiries_open_newest_first ON read.inquiries (tenant_id, received_on DESC, reference DESC)
    WHERE status = 'open';
CREATE INDEX inquiries_by_assignee ON read.inquiries (tenant_id, assignee);
