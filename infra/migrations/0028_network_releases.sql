-- The network's releases (projections/network_releases.py, docs/network-statistics.md): each finished year's figures
-- published as numbered releases (1, 2, … per year). Every network page, `ombud network report` and every file show a
-- release, never a live computation. `published` is the year's tables as shown (a hidden cell is ':'); `source` holds
-- every cell's count when the release was made and which cells it hid, so the next release of the year can be
-- protected together with all earlier ones: it is never shown, and the network's role cannot read it. Appended only:
-- a release, once made, is never changed or removed (a reader may have kept it).
CREATE TABLE read.network_releases (
    year        integer     NOT NULL,
    number      integer     NOT NULL CHECK (number >= 1),
    released_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    released_by text        NOT NULL,  -- 'worker', or the operator's name at the command line
    threshold   integer     NOT NULL CHECK (threshold >= 1),
    published   jsonb       NOT NULL,
    source      jsonb       NOT NULL,
    PRIMARY KEY (year, number)
);
ALTER TABLE read.network_releases ENABLE ROW LEVEL SECURITY;
ALTER TABLE read.network_releases FORCE ROW LEVEL SECURITY;
-- Not a tenant's table: nothing of it is read or written without the network's setting (app.network on), which only
-- projections/reading.py's network_transaction and projections/network_releases.py set.
CREATE POLICY network_reads ON read.network_releases FOR SELECT TO ombud_network
    USING ((SELECT current_setting('app.network', true)) = 'on');
CREATE POLICY network_releases ON read.network_releases FOR ALL TO ombud_runtime
    USING ((SELECT current_setting('app.network', true)) = 'on')
    WITH CHECK ((SELECT current_setting('app.network', true)) = 'on');
ALTER TABLE read.network_releases OWNER TO ombud_owner;
-- The network's role reads what was published, never `source`.
GRANT SELECT (year, number, released_at, threshold, published) ON read.network_releases TO ombud_network;
GRANT SELECT, INSERT ON read.network_releases TO ombud_runtime;
