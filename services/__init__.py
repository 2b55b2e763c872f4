"""Use cases the web, the CLI and the worker call: load an aggregate, apply a command, save; and the audit trail (audit/)."""
