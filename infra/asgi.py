"""The web app for each of `ombud serve --workers N`'s processes: its own runtime and pools, closed when it stops.

Connections stay bounded: N × (the event-store pool + the read pool), whatever the number of tenants.
"""

from __future__ import annotations

from contextlib import ExitStack

from litestar import Litestar

from infra.runtime import open_runtime
from infra.settings import Settings


def create() -> Litestar:
    """Called by uvicorn in each worker process; the parent has put the servers and the key in the environment."""
    resources = ExitStack()
    runtime = resources.enter_context(open_runtime(Settings.from_environment()))
    app = runtime.web_app()
    app.on_shutdown.append(resources.close)
    return app
