"""The web app for each of `ombud serve --workers N`'s processes: its own runtime and pools, closed when it stops.

Connections stay bounded: N × (the event-store pool + the read pool), whatever the number of tenants.
"""

from __future__ import annotations

from contextlib import ExitStack

from litestar import Litestar

from infra.runtime import open_runtime
from infra.settings import Settings
from web.app import create_app


def create() -> Litestar:
    """Called by uvicorn in each worker process; the parent has put the servers and the key in the environment."""
    resources = ExitStack()
    settings = Settings.from_environment()
    runtime = resources.enter_context(open_runtime(settings))
    app = create_app(
        runtime.platform,
        runtime.database_url,
        runtime.redis_url,
        session_max_hours=settings.session_max_hours,
        trusted_proxies=settings.trusted_proxies,
    )
    app.on_shutdown.append(resources.close)
    return app
