"""Demo tenants whose past years follow the offices' published figures, so the demo looks real."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from importlib.resources import files
from typing import Any

from domain.common import Context, today_in_norway
from domain.inquiry import (
    COMPLAINT_OUTCOMES,
    COMPLAINT_RECIPIENTS,
    FORWARD_BODIES,
    Inquiry,
)
from domain.reference import ReferenceSequence
from domain.taxonomy import (
    MUNICIPAL_AREAS,
    SECTOR_AREAS,
    SECTOR_AREAS_BEFORE_2024_REORGANISATION,
    STANDARD_CASE_TYPES,
    ServiceArea,
    code_for,
)
from services.accounts import AccountDirectory, EmailTaken, create_account
from services.platform import Platform, TenantExists

Progress = Callable[[str], None]

TRONDHEIM_REORGANISED = date(2024, 6, 13)
OTHER_AREA = ServiceArea("annet", "Annet / utenfor sektorene")
CASE_TYPES = [c.code for c in STANDARD_CASE_TYPES]
_REQUESTERS = (("user", 6), ("relative", 4), ("guardian", 1), ("representative", 1), ("other", 1))
_BATCH = 50  # aggregates per transaction: large pipelined inserts stall on a Unix socket
_CHANNELS = (("phone", 6), ("email", 5), ("in_person", 2), ("web", 2), ("letter", 1))


def seed_figures() -> dict[str, Any]:
    return json.loads((files("services") / "seed_figures.json").read_text(encoding="utf-8"))


def load_demo(platform: Platform, ctx: Context, progress: Progress = lambda _: None) -> None:
    """Creates drammen, trondheim and fredrikstad with their history; tenants that exist are left alone."""
    figures = seed_figures()
    today = today_in_norway()
    for slug, name, population, build in (
        ("drammen", figures["drammen"]["name"], 102_000, lambda: _drammen(figures["drammen"], today)),
        ("trondheim", figures["trondheim"]["name"], 214_000, lambda: _trondheim(figures["trondheim"], today)),
        ("fredrikstad", "Fredrikstad kommune", 85_000, lambda: _fredrikstad(today)),
    ):
        areas = (*SECTOR_AREAS_BEFORE_2024_REORGANISATION, OTHER_AREA) if slug == "trondheim" else MUNICIPAL_AREAS
        try:
            office = platform.create_tenant(ctx, slug=slug, name=name, population=population, areas=areas)
        except TenantExists:
            progress(f"{slug}: finnes allerede, hopper over")
            continue
        if slug == "trondheim":
            office.publish_taxonomy(
                ctx,
                on=TRONDHEIM_REORGANISED,
                effective_from=TRONDHEIM_REORGANISED,
                areas=(*SECTOR_AREAS, OTHER_AREA),
                mapping={"helse-omsorg-og-velferd": "helse-og-omsorg", "oppvekst": "oppvekst-og-utdanning"},
            )
        rng = random.Random(slug)
        count = 0
        plans_all = build()
        for year, plans in _by_year(plans_all):
            sequence = ReferenceSequence.start(ctx, year=year, on=plans[0]["received_on"])
            assignees = _assignees(slug, this_year=year == today.year)
            inquiries = [_inquiry(ctx, sequence, plan, rng, today, assignees) for plan in plans]
            for start in range(0, len(inquiries), _BATCH):
                office.app.save(sequence, *inquiries[start : start + _BATCH])
            count += len(inquiries)
            progress(f"{slug}: {year} – {len(inquiries)} henvendelser")
        activities = _outreach(office, ctx, rng, {p["received_on"].year for p in plans_all}, today)
        progress(f"{slug}: {count} henvendelser og {activities} informasjonstiltak i alt")


def _outreach(office: Any, ctx: Context, rng: random.Random, years: set[int], today: date) -> int:
    """Talks, information meetings and stands through each year the office has cases."""
    count = 0
    for year in sorted(years):
        for _ in range(rng.randint(4, 10)):
            held_on = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            if held_on <= today:
                kind = rng.choice(("talk", "information_meeting", "course", "stand"))
                audience = rng.choice(
                    ("Eldrerådet", "Rådet for personer med funksjonsnedsettelse", "Frivilligsentralen")
                )
                office.register_outreach(
                    ctx,
                    held_on=held_on,
                    kind=kind,
                    title="Om kommuneombudet",
                    audience=audience,
                    participants=rng.randint(8, 60),
                )
                count += 1
    return count


# -- plans: what each inquiry is about, before the workflow is drawn ---------------------------


def _drammen(figures: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """153 inquiries in 2023: 158 area counts (five inquiries concern a second area), 206 case types."""
    year = figures["2023"]
    area_counts = {code_for(name): n for name, n in year["by_service_area"].items()}
    extra = sum(area_counts.values()) - year["total"]
    secondary = [code for code, _ in sorted(area_counts.items(), key=lambda kv: -kv[1])[1 : 1 + extra]]
    primary_counts = dict(area_counts)
    for code in secondary:
        primary_counts[code] -= 1
    primaries = [code for code, n in primary_counts.items() for _ in range(n)]
    plans = [{"area": code, "further": [], "case_types": []} for code in primaries]
    for code in secondary:
        plan = next(p for p in plans if p["area"] != code and not p["further"])
        plan["further"].append(code)
    _deal_case_types(plans, year["by_case_type"])
    _spread_dates(plans, 2023, random.Random("drammen-2023"))
    return plans + _current_year(MUNICIPAL_AREAS, today, random.Random("drammen-now"))


def _trondheim(figures: dict[str, Any], today: date) -> list[dict[str, Any]]:
    """Per-unit rows 2019–2024 as published; in 2024 also the sector remainders and the rest of the 384."""
    plans: list[dict[str, Any]] = []
    rng = random.Random("trondheim")
    unit_codes = {unit: code for code, unit in ((a.code, a.name) for a in SECTOR_AREAS)}
    for index, year in enumerate(figures["years"]):
        year_plans: list[dict[str, Any]] = []
        for sector_units in figures["units"].values():
            for unit, counts in sector_units.items():
                year_plans += [_plan(unit_codes[unit], rng) for _ in range(counts[index] or 0)]
        if year == 2024:
            published = figures["2024"]
            listed = {sector: sum(c[index] or 0 for c in units.values()) for sector, units in figures["units"].items()}
            for sector, total in published["by_sector"].items():
                sector = "Oppvekst og utdanning" if sector.startswith("Oppvekst") else sector
                rest = total - listed[sector]
                other = {"Helse og omsorg": "helse-og-omsorg-annet", "Sosiale tjenester": "sosiale-tjenester-annet"}
                year_plans += [_plan(other.get(sector, "oppvekst-annet"), rng) for _ in range(rest)]
            outside = [_plan("annet", rng, outside_mandate=True) for _ in range(published["outside_mandate"])]
            remaining = published["total"] - len(year_plans) - len(outside)
            information = [_plan("annet", rng, case_types=["lacking_information"]) for _ in range(remaining)]
            year_plans += outside + information
        _spread_dates(year_plans, year, random.Random(f"trondheim-{year}"))
        plans += year_plans
    return plans + _current_year(SECTOR_AREAS, today, random.Random("trondheim-now"), leaves_only=True)


def _fredrikstad(today: date) -> list[dict[str, Any]]:
    rng = random.Random("fredrikstad")
    plans: list[dict[str, Any]] = []
    codes = [a.code for a in MUNICIPAL_AREAS]
    weights = [9, 6, 5, 4, 3, 2, 3, 2, 1]
    for year, total in ((2022, 96), (2023, 118), (2024, 131), (2025, 142)):
        year_plans = [_plan(rng.choices(codes, weights)[0], rng) for _ in range(total)]
        _spread_dates(year_plans, year, random.Random(f"fredrikstad-{year}"))
        plans += year_plans
    return plans + _current_year(MUNICIPAL_AREAS, today, rng)


def _current_year(
    areas: tuple[ServiceArea, ...], today: date, rng: random.Random, leaves_only: bool = False
) -> list[dict[str, Any]]:
    """This year's cases so far, many still open, so the office has work in progress."""
    parents = {a.parent for a in areas}
    codes = [a.code for a in areas if not (leaves_only and a.code in parents)]
    start = date(today.year, 1, 1)
    days = (today - start).days + 1
    plans = [_plan(rng.choice(codes), rng) for _ in range(max(5, days // 6))]
    for plan in plans:
        plan["received_on"] = start + timedelta(days=rng.randrange(days))
    return sorted(plans, key=lambda p: p["received_on"])


def _plan(
    area: str, rng: random.Random, *, outside_mandate: bool = False, case_types: list[str] | None = None
) -> dict[str, Any]:
    if case_types is None:
        case_types = rng.sample(CASE_TYPES, rng.choice((1, 1, 1, 2)))
    return {"area": area, "further": [], "case_types": case_types, "outside_mandate": outside_mandate}


def _deal_case_types(plans: list[dict[str, Any]], counts: dict[str, int]) -> None:
    """Deals each type to consecutive inquiries, so no inquiry gets a type twice and the counts hold."""
    tokens = [code for code, n in sorted(counts.items(), key=lambda kv: -kv[1]) for _ in range(n)]
    for index, code in enumerate(tokens):
        plans[index % len(plans)]["case_types"].append(code)


def _spread_dates(plans: list[dict[str, Any]], year: int, rng: random.Random) -> None:
    rng.shuffle(plans)
    start = date(year, 1, 1)
    days = (date(year, 12, 31) - start).days + 1
    for plan in plans:
        plan["received_on"] = start + timedelta(days=rng.randrange(days))
    plans.sort(key=lambda p: p["received_on"])


def _by_year(plans: list[dict[str, Any]]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    years = sorted({p["received_on"].year for p in plans})
    for year in years:
        yield year, sorted((p for p in plans if p["received_on"].year == year), key=lambda p: p["received_on"])


# -- the workflow: what happened to each inquiry after it came in ------------------------------


def _assignees(slug: str, *, this_year: bool) -> dict[str, str]:
    """Who the office's three people are: this year the demo accounts, so whoever signs in has cases of their own."""
    people = {"ombud": "ombud", "rådgiver-1": "rådgiver-1", "rådgiver-2": "rådgiver-2"}
    if not this_year:
        return people
    accounts = {role: email for email, role, tenant in DEMO_ACCOUNTS if tenant == slug}
    caseworker = accounts["caseworker"]
    return {"ombud": accounts.get("tenant_admin", caseworker), "rådgiver-1": caseworker, "rådgiver-2": caseworker}


def _inquiry(
    ctx: Context,
    sequence: ReferenceSequence,
    plan: dict[str, Any],
    rng: random.Random,
    today: date,
    assignees: dict[str, str],
) -> Inquiry:
    received = plan["received_on"]
    reference = sequence.issue(ctx, on=received)
    number = reference.replace("-", "")
    inquiry = Inquiry.receive(
        ctx,
        reference=reference,
        received_on=received,
        channel=_weighted(rng, _CHANNELS),
        requester_role=_weighted(rng, _REQUESTERS),
        primary_area=plan["area"],
        further_areas=plan["further"],
        case_types=plan["case_types"],
        outside_mandate=plan.get("outside_mandate", False),
        summary="Demohenvendelse: innbyggeren ber om hjelp i møte med kommunen.",
        requester_name=f"Demo Testesen {number}",
        contact=f"demo-{number}@example.invalid",
    )
    day = received

    def later(low: int, high: int) -> date | None:
        nonlocal day
        candidate = day + timedelta(days=rng.randint(low, high))
        if candidate > today:
            return None
        day = candidate
        return day

    if (on := later(0, 3)) is None:
        return inquiry
    inquiry.assign(ctx, on=on, assignee=assignees[rng.choice(("ombud", "rådgiver-1", "rådgiver-2"))])
    if plan.get("outside_mandate"):
        if (on := later(0, 5)) is not None:
            inquiry.resolve(ctx, on=on, outcome="outside_mandate")
        return inquiry
    if rng.random() < 0.3 and (on := later(5, 25)) is not None:
        inquiry.send_interim_reply(ctx, on=on)
    if rng.random() < 0.15 and (on := later(2, 15)) is not None:
        inquiry.forward(ctx, on=on, to_body=rng.choice(FORWARD_BODIES[:-1]), reason="Saken hører under et annet organ.")
        if (on := later(0, 5)) is not None:
            inquiry.resolve(ctx, on=on, outcome="referred")
        return inquiry
    if rng.random() < 0.3 and (on := later(3, 30)) is not None:
        inquiry.hold_meeting(
            ctx, on=on, participants=["ombud", "requester", rng.choice(("service_unit", "management"))]
        )
    if rng.random() < 0.25 and (on := later(3, 30)) is not None:
        inquiry.send_complaint(ctx, on=on, to=rng.choice(COMPLAINT_RECIPIENTS[:2]), about="Vedtak om tjenester.")
        if rng.random() < 0.8 and (on := later(20, 70)) is not None:
            inquiry.decide_complaint(ctx, on=on, outcome=rng.choice(COMPLAINT_OUTCOMES))
    if rng.random() < 0.4 and (on := later(0, 10)) is not None:
        inquiry.add_note(ctx, on=on, text="Demonotat: fulgt opp med tjenestestedet.")
    if rng.random() < 0.93 and (on := later(1, 40)) is not None:
        inquiry.resolve(ctx, on=on, outcome=rng.choice(("assisted", "assisted", "guided", "guided", "withdrawn")))
    return inquiry


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([code for code, _ in options], [weight for _, weight in options])[0]


DEMO_PASSWORD = "ombud-demo-2026"  # listed in README: demo accounts only, never on a real installation
DEMO_ACCOUNTS = (
    ("saksbehandler@drammen.demo", "caseworker", "drammen"),
    ("admin@drammen.demo", "tenant_admin", "drammen"),
    ("revisor@drammen.demo", "auditor", "drammen"),
    ("saksbehandler@trondheim.demo", "caseworker", "trondheim"),
    ("saksbehandler@fredrikstad.demo", "caseworker", "fredrikstad"),
    ("nettverk@ombud.demo", "network", None),
    ("plattform@ombud.demo", "platform_admin", None),
)


def create_demo_accounts(directory: AccountDirectory) -> None:
    """The README's demo accounts; those that exist already are left alone."""
    for email, role, tenant in DEMO_ACCOUNTS:
        try:
            create_account(directory, email=email, role=role, tenant=tenant, password=DEMO_PASSWORD)
        except EmailTaken:
            continue
