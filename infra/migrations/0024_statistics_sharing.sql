-- Whether the office shares its statistics with the national ombud network, beside the tenant: the network's pages
-- read this flag, so an office that stops sharing vanishes from them at once, without waiting for the projection
-- worker. The office's choice is recorded in its own events too (Tenant.StatisticsSharingChanged); the platform
-- writes both, in the safe order (services/platform.py).
ALTER TABLE platform.tenants ADD COLUMN shares_statistics boolean NOT NULL DEFAULT true;

-- The tenants made before this migration: their choice lies in their encrypted events, which SQL cannot read. None
-- is shown until the platform has read it: `ombud migrate` (and any start that applies this migration) runs
-- Platform.reconcile_statistics_sharing, which turns the flag on for exactly the offices whose profile says so.
UPDATE platform.tenants SET shares_statistics = false;

-- The web and the command line change this one column and nothing else of a tenant (its key never changes).
GRANT UPDATE (shares_statistics) ON platform.tenants TO ombud_runtime;
-- The read side may ask which tenants share, and nothing else of the table (never a wrapped key).
GRANT SELECT (slug, shares_statistics) ON platform.tenants TO ombud_reader;
