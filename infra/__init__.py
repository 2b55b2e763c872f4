"""Wiring: settings, connection pools, migrations, embedded servers, telemetry and the command line."""
