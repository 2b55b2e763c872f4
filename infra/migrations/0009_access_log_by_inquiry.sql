-- The auditor's access log filters by inquiry, newest first: without this it scans the tenant's whole log.
CREATE INDEX access_records_by_inquiry ON audit.access_records (tenant_id, inquiry_id, id DESC);
