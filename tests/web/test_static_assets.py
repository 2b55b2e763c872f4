"""htmx and Designsystemet come from the app itself: every asset a page links to is served, none from elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

from litestar.testing import AsyncTestClient

TEMPLATES = Path(__file__).parents[2] / "web" / "templates"


async def test_every_asset_the_layout_links_to_is_served_by_the_app(client: AsyncTestClient) -> None:
    page = await client.get("/login")
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', page.text)
    assert {"/static/vendor/htmx.min.js", "/static/vendor/designsystemet.css", "/static/ombud.css"} <= set(assets)
    for asset in assets:
        response = await client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 100


def test_no_template_loads_anything_from_another_site() -> None:
    for template in TEMPLATES.rglob("*.html"):
        assert not re.search(r'(?:src|href)="(?:https?:)?//', template.read_text()), template
