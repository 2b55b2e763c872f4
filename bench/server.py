"""The PostgreSQL server a benchmark runs against: the configured one, or an embedded one started for the run."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from infra.embedded import start_postgres
from infra.settings import Settings


@contextmanager
def bench_server(settings: Settings) -> Iterator[tuple[Path, str]]:
    """A scratch folder and the server's admin URL; an embedded server (when no database is configured) is closed
    after."""
    with tempfile.TemporaryDirectory() as scratch:
        server = None if settings.database_url else start_postgres(Path(scratch))
        try:
            yield Path(scratch), settings.admin_database_url or settings.database_url or server.url
        finally:
            if server:
                server.close()
