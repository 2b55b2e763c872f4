-- 0026 (key epochs) and 0028 (the network's releases) granted to ombud_runtime, which 0030 emptied when the web and
-- the worker got logins of their own: their tables go to the login that uses them (docs/security.md's role table).
-- The web re-wraps inquiry keys (a rotation, through the platform's store) and reads a tenant's search key; the
-- worker makes and replaces search keys in the index's own transaction.
GRANT UPDATE (epoch) ON platform.inquiry_keys TO ombud_web;
GRANT SELECT ON platform.search_keys TO ombud_web;
GRANT SELECT, INSERT, UPDATE (epoch, wrapped_key, created_at) ON platform.search_keys TO ombud_worker_role;

-- Releases are made by the worker (and `ombud network release`, on the worker's login) and appended only: 0030's
-- grant on every read table would let the worker change or remove one, and the web read `source`, the true counts.
-- The web reads releases as ombud_network (its member), which sees the published columns alone.
REVOKE ALL ON read.network_releases FROM ombud_web, ombud_worker_role;
GRANT SELECT, INSERT ON read.network_releases TO ombud_worker_role;
DROP POLICY network_releases ON read.network_releases;
CREATE POLICY network_releases ON read.network_releases FOR ALL TO ombud_worker_role
    USING ((SELECT current_setting('app.network', true)) = 'on')
    WITH CHECK ((SELECT current_setting('app.network', true)) = 'on');
