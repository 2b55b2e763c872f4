"""Pictures of the demo's annual report drafts, page by page, so the DOCX layout can be judged without Word.

Run with `make report-pdfs`: a throwaway database on DATABASE_URL's server (or an embedded PostgreSQL), the demo
tenants with their projections caught up, the DOCX of Drammen 2023 and Trondheim 2024 as the download gives it,
each turned into PDF by LibreOffice (headless) and its first pages into PNG by pdftoppm (poppler-utils):
build/reports/*.docx and *.pdf, docs/screenshots/report-drammen-2023-p1.png and so on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "build" / "reports"
OUT = ROOT / "docs" / "screenshots"
REPORTS = (("drammen", 2023), ("trondheim", 2024))
PAGES = 4
RESOLUTION = 70  # pixels per inch: an A4 page about 580 × 820, enough to judge the layout, small enough to commit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=PAGES, help="antall sider som blir bilder (standard: 4)")
    parser.add_argument(
        "--igjen", action="store_true", help="lag utkastene på nytt fra tallene i build/reports/, uten demodata"
    )
    args = parser.parse_args(argv)
    missing = [tool for tool in ("libreoffice", "pdftoppm") if shutil.which(tool) is None]
    if missing:
        print(f"report_pages: mangler {', '.join(missing)} (libreoffice-writer-nogui, poppler-utils)", file=sys.stderr)
        return 1
    BUILD.mkdir(parents=True, exist_ok=True)
    OUT.mkdir(parents=True, exist_ok=True)
    drafts = [BUILD / f"{slug}-{year}.docx" for slug, year in REPORTS]
    if not args.igjen:
        for (slug, year), figures_ in zip(REPORTS, demo_figures(), strict=True):
            (BUILD / f"{slug}-{year}.json").write_text(
                json.dumps(figures_, ensure_ascii=False, default=str), encoding="utf-8"
            )
    for (slug, year), path in zip(REPORTS, drafts, strict=True):
        path.write_bytes(draft(json.loads((BUILD / f"{slug}-{year}.json").read_text(encoding="utf-8"))))
    for (slug, year), path in zip(REPORTS, drafts, strict=True):
        pdf = to_pdf(path, BUILD)
        for image in page_images(pdf, OUT / f"report-{slug}-{year}", args.pages):
            print(f"{image.relative_to(ROOT)}: {image.stat().st_size // 1000} kB")
    return 0


def draft(figures_: dict[str, Any]) -> bytes:
    """The DOCX as the download gives it, from the figures `demo_figures` wrote (no database needed)."""
    from projections.report.docx_draft import as_docx

    return as_docx(figures_["report"], profile_from_data(figures_["profile"]), figures_["history"])


def demo_figures() -> list[dict[str, Any]]:
    """The profile, figures and history of each of REPORTS, from the demo data in a database dropped afterwards."""
    from domain.common import Context
    from infra.directory import PostgresTenantDirectory
    from infra.embedded import start_postgres
    from infra.eventstore import factory_maker, open_datastore
    from infra.key_epochs import DirectoryEpochStore
    from infra.logins import worker_url_for
    from infra.settings import Settings
    from infra.throwaway import migrated_throwaway_database
    from projections.worker import ProjectionWorker
    from services.demo import load_demo
    from services.platform import Platform

    settings = Settings.from_environment()
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ombud-report-pages-")))
        server_url = (
            settings.admin_database_url
            or settings.database_url
            or stack.enter_context(start_postgres(scratch / "postgres")).url
        )
        database_url = stack.enter_context(migrated_throwaway_database(server_url, "ombud_report_pages"))
        datastore = open_datastore(database_url, pool_size=2, max_overflow=3)
        stack.callback(datastore.close)
        master_key = os.urandom(32)
        platform = Platform(
            PostgresTenantDirectory(datastore),
            master_key,
            factory_maker(datastore),
            epochs=DirectoryEpochStore(scratch / "key-epochs", master_key),
        )
        stack.callback(platform.close)
        print("laster demodata …")
        load_demo(platform, Context("rapportsider", "platform_admin", str(uuid.uuid4())), progress=print)
        worker = ProjectionWorker(platform, worker_url_for(database_url))
        try:
            worker.catch_up_all()
        finally:
            worker.close()
        found = []
        for slug, year in REPORTS:
            profile = platform.office(slug).profile()
            report, history = asyncio.run(figures(database_url, profile, year))
            found.append({"profile": profile_data(profile), "report": report, "history": history})
        return found


def profile_data(profile: Any) -> dict[str, Any]:
    return {
        "slug": profile.slug,
        "name": profile.name,
        "population": profile.population,
        "shares_statistics": profile.shares_statistics,
        "taxonomies": [taxonomy.as_data() for taxonomy in profile.taxonomies],
        "case_types": profile.case_types,
        "taxonomy_mappings": {str(version): mapping for version, mapping in profile.taxonomy_mappings.items()},
    }


def profile_from_data(data: dict[str, Any]) -> Any:
    from domain.taxonomy import Taxonomy
    from services.office import TenantProfile

    return TenantProfile(
        slug=data["slug"],
        name=data["name"],
        population=data["population"],
        shares_statistics=data["shares_statistics"],
        taxonomies=[
            Taxonomy.from_data(taxonomy | {"effective_from": date.fromisoformat(taxonomy["effective_from"])})
            for taxonomy in data["taxonomies"]
        ],
        case_types=[tuple(pair) for pair in data["case_types"]],
        taxonomy_mappings={int(version): mapping for version, mapping in data["taxonomy_mappings"].items()},
    )


async def figures(database_url: str, profile: Any, year: int) -> tuple[dict[str, Any], dict[str, Any]]:
    import asyncpg

    from projections.annual_report import annual_report, report_history
    from projections.reading import tenant_transaction

    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=1)
    try:
        async with tenant_transaction(pool, profile.slug) as conn:
            return await annual_report(conn, profile, year), await report_history(conn, profile, year)
    finally:
        await pool.close()


def to_pdf(docx: Path, out_dir: Path) -> Path:
    """LibreOffice headless, with a profile of its own so a running LibreOffice (or another call) is no obstacle."""
    with tempfile.TemporaryDirectory(prefix="ombud-libreoffice-") as profile:
        subprocess.run(
            ["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(out_dir), str(docx)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
    pdf = out_dir / (docx.stem + ".pdf")
    if not pdf.exists():
        raise RuntimeError(f"LibreOffice skrev ingen PDF for {docx.name}")
    return pdf


def page_images(pdf: Path, stem: Path, pages: int, resolution: int = RESOLUTION) -> list[Path]:
    """`stem`-p1.png, -p2.png, … for the first `pages` pages (fewer when the PDF is shorter)."""
    with tempfile.TemporaryDirectory(prefix="ombud-pages-") as scratch:
        prefix = Path(scratch) / "side"
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", str(pages), str(pdf), str(prefix)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        written = []
        for image in sorted(Path(scratch).glob("side-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            target = stem.parent / f"{stem.name}-p{int(image.stem.rsplit('-', 1)[1])}.png"
            shutil.move(image, target)
            written.append(target)
    return written


if __name__ == "__main__":
    sys.exit(main())
