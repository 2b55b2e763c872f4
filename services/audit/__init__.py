"""The audit trail: the chain that seals every event and record, its checkpoints, bundles and status, and the access log."""
