"""Demo tenants whose past years follow the offices' published figures, so the demo looks real."""

from __future__ import annotations

import contextlib
import json
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.resources import files
from typing import Any

from eventsourcing.domain import Aggregate

from domain.common import Context, today_in_norway
from domain.deadlines import reply_due
from domain.inquiry import (
    COMPLAINT_OUTCOMES,
    COMPLAINT_RECIPIENTS,
    FORWARD_BODIES,
    Inquiry,
)
from domain.letterhead import Letterhead
from domain.names import ROLE_NAMES
from domain.outreach import OutreachActivity
from domain.reference import ReferenceSequence
from domain.taxonomy import (
    MUNICIPAL_AREAS,
    SECTOR_AREAS,
    SECTOR_AREAS_BEFORE_2024_REORGANISATION,
    STANDARD_CASE_TYPES,
    ServiceArea,
    code_for,
)
from domain.tenant import Tenant
from services.accounts import (
    AccountDirectory,
    EmailTaken,
    NameAccountByEmail,
    create_account,
    name_account_by_email,
    setup_context,
)
from services.case_commands import ReceiveInquiry
from services.importing import import_aggregates
from services.letters import Letters, SetLetterhead
from services.office import received_inquiry
from services.platform import Platform, TenantExists
from services.search_index import SearchIndex

Progress = Callable[[str], None]

TRONDHEIM_REORGANISED = date(2024, 6, 13)
OTHER_AREA = ServiceArea("annet", "Annet / utenfor sektorene")
CASE_TYPES = [c.code for c in STANDARD_CASE_TYPES]
_REQUESTERS = (("user", 6), ("relative", 4), ("guardian", 1), ("representative", 1), ("other", 1))
_CHANNELS = (("phone", 6), ("email", 5), ("in_person", 2), ("web", 2), ("letter", 1))


def seed_figures() -> dict[str, Any]:
    figures: dict[str, Any] = json.loads((files("services") / "seed_figures.json").read_text(encoding="utf-8"))
    return figures


def load_demo(
    platform: Platform, ctx: Context, progress: Progress = lambda _: None, *, today: date | None = None
) -> None:
    """Creates drammen, trondheim and fredrikstad with every year up to today; tenants that exist are left alone.

    `ctx` (the platform's operator) creates the tenants; everything after that is done by the tenant's demo staff.
    Each tenant's inquiries and outreach are built in memory and written through the bulk import path, in one
    transaction. `today` is Norway's today unless a test names an earlier day.
    """
    figures = seed_figures()
    today = today or today_in_norway()
    tenants: tuple[tuple[str, str, int, Callable[[], list[dict[str, Any]]]], ...] = (
        ("drammen", figures["drammen"]["name"], 102_000, lambda: _drammen(figures["drammen"], today)),
        ("trondheim", figures["trondheim"]["name"], 214_000, lambda: _trondheim(figures["trondheim"], today)),
        ("fredrikstad", "Fredrikstad kommune", 85_000, lambda: _fredrikstad(today)),
    )
    for slug, name, population, build in tenants:
        areas = (*SECTOR_AREAS_BEFORE_2024_REORGANISATION, OTHER_AREA) if slug == "trondheim" else MUNICIPAL_AREAS
        try:
            office = platform.create_tenant(ctx, slug=slug, name=name, population=population, areas=areas)
        except TenantExists:
            progress(f"{name}: finnes allerede, hopper over")
            continue
        staff = _staff(platform, slug)
        if slug == "trondheim":
            office.publish_taxonomy(
                staff.ombud.acting(random.Random("trondheim-taxonomy")),
                on=TRONDHEIM_REORGANISED,
                effective_from=TRONDHEIM_REORGANISED,
                areas=(*SECTOR_AREAS, OTHER_AREA),
                mapping={"helse-omsorg-og-velferd": "helse-og-omsorg", "oppvekst": "oppvekst-og-utdanning"},
            )
        Letters(office).set_letterhead(
            staff.ombud.acting(random.Random(f"{slug}-letterhead")),
            SetLetterhead(demo_letterhead(slug, name), on=today),
        )
        tenant: Tenant = office.app.repository.get(Tenant.id_for())
        plans_all = build()
        _keep_open(plans_all, today, random.Random(f"{slug}-open"))
        aggregates: list[Aggregate] = []
        for year, plans in _by_year(plans_all):
            rng = random.Random(f"{slug}-{year}-workflow")
            sequence = ReferenceSequence.start(staff.ombud.acting(rng), year=year, on=plans[0]["received_on"])
            aggregates += [
                _inquiry(tenant, sequence, plan, rng, today, staff, office.app.search_index) for plan in plans
            ]
            aggregates.append(sequence)
        years = range(plans_all[0]["received_on"].year, today.year + 1)
        activities = _outreach(staff, random.Random(f"{slug}-outreach"), years, today)
        import_aggregates(office, [*aggregates, *activities])
        progress(
            f"{name}: {len(plans_all)} henvendelser ({years[0]}–{years[-1]}) og {len(activities)} informasjonstiltak"
        )


# The demo offices' towns and postcodes, for letterheads with made-up contact details no one can reach.
_TOWNS = {"drammen": ("3001", "Drammen"), "trondheim": ("7001", "Trondheim"), "fredrikstad": ("1601", "Fredrikstad")}


def demo_letterhead(slug: str, tenant_name: str) -> Letterhead:
    """Who a demo office's letters come from and who signs them: its ombud (the tenant admin's demo name)."""
    postcode, town = _TOWNS[slug]
    ombud = next(email for email, role, tenant in DEMO_ACCOUNTS if tenant == slug and role == "tenant_admin")
    return Letterhead.create(
        office_name=f"Kommuneombudet i {town}",
        address=f"{tenant_name}\nEksempelveien 1\n{postcode} {town}",
        phone="+47 00 00 00 00",
        email=f"kommuneombudet@{slug}.demo",
        signature_name=DEMO_NAMES[ombud],
        signature_title="Kommuneombud",
    )


# -- the office's people: the demo accounts of the README, who receive, handle and close the cases -------------


@dataclass(frozen=True)
class _Person:
    email: str
    user_id: str  # the account's id, as the web pages record it; the email when the account was there before
    role: str

    def acting(self, rng: random.Random) -> Context:
        """This person doing one thing (one request: its own correlation id, drawn so the demo stays the same)."""
        return Context(self.user_id, self.role, str(uuid.UUID(int=rng.getrandbits(128), version=4)))


@dataclass(frozen=True)
class _Staff:
    ombud: _Person  # the tenant's administrator: assigns, takes some cases, publishes the taxonomy
    advisers: tuple[_Person, ...]  # the caseworkers: most cases

    def handler(self, rng: random.Random) -> _Person:
        """Who takes a case: the caseworker three times in four, the ombud the rest."""
        return rng.choice((*self.advisers, *self.advisers, *self.advisers, self.ombud))


_CITIZEN = _Person("innbygger", "innbygger", "citizen")  # the public contact form (channel «web»)


def _staff(platform: Platform, slug: str) -> _Staff:
    """The tenant's demo accounts, made now (the tenant is new), so its cases name them as actors and assignees."""
    people: dict[str, list[_Person]] = {}
    for email, role, tenant in DEMO_ACCOUNTS:
        if tenant != slug:
            continue
        try:
            account = platform.create_account(
                setup_context(), slug, email=email, role=role, password=DEMO_PASSWORD, display_name=DEMO_NAMES[email]
            )
            user_id = str(account.id)
        except EmailTaken:
            user_id = email
        people.setdefault(role, []).append(_Person(email, user_id, role))
    advisers = tuple(people["caseworker"])
    return _Staff(ombud=people.get("tenant_admin", advisers)[0], advisers=advisers)


# What an office does to reach people, by kind: the title and who came.
_OUTREACH = (
    ("information_meeting", "Informasjonsmøte for eldrerådet", "Eldrerådet"),
    (
        "information_meeting",
        "Informasjonsmøte for rådet for personer med funksjonsnedsettelse",
        "Funksjonshemmedes råd",
    ),
    ("information_meeting", "Informasjonsmøte for ungdomsrådet", "Ungdomsrådet"),
    ("information_meeting", "Møte med brukerorganisasjonene", "Brukerorganisasjoner"),
    ("talk", "Foredrag på NAV-kontoret", "Ansatte ved NAV-kontoret"),
    ("talk", "Foredrag for pensjonistforeningen", "Pensjonistforeningen"),
    ("talk", "Foredrag på frivilligsentralen", "Frivilligsentralen"),
    ("talk", "Ombudet presenterer årsrapporten for bystyret", "Bystyret"),
    ("talk", "Foredrag for helse- og omsorgsutvalget", "Helse- og omsorgsutvalget"),
    ("course", "Kurs: Slik klager du på et vedtak", "Pårørendeforeningen"),
    ("course", "Kurs i brukerrettigheter for hjemmetjenesten", "Ansatte i hjemmetjenesten"),
    ("course", "Kurs i klagerett for introduksjonsprogrammet", "Deltakere i introduksjonsprogrammet"),
    ("stand", "Stand på biblioteket", "Besøkende på hovedbiblioteket"),
    ("stand", "Stand på seniordagen", "Seniorer"),
    ("stand", "Stand på kjøpesenteret", "Forbipasserende"),
    ("media", "Intervju i lokalavisen om ventetid på sykehjemsplass", "Lokalavisens lesere"),
    ("media", "Innslag i lokalradioen om kommuneombudet", "Lokalradioens lyttere"),
)


def _outreach(staff: _Staff, rng: random.Random, years: range, today: date) -> list[OutreachActivity]:
    """Talks, information meetings, courses and stands through every year the office has existed, up to today."""
    activities = []
    for year in years:
        chosen = rng.sample(_OUTREACH, rng.randint(5, 9))
        for kind, title, audience in chosen:
            held_on = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            if held_on > today:
                continue
            activities.append(
                OutreachActivity.register(
                    rng.choice((staff.ombud, *staff.advisers)).acting(rng),
                    held_on=held_on,
                    kind=kind,
                    title=title,
                    audience=audience,
                    participants=None if kind == "media" else rng.randint(8, 60),
                )
            )
    return activities


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
    plans: list[dict[str, Any]] = [{"area": code, "further": [], "case_types": []} for code in primaries]
    for code in secondary:
        plan = next(p for p in plans if p["area"] != code and not p["further"])
        plan["further"].append(code)
    _deal_case_types(plans, year["by_case_type"])
    _spread_dates(plans, 2023, random.Random("drammen-2023"))
    return plans + _later_years(plans, {2024: 161, 2025: 172}, today, random.Random("drammen-later"))


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
    last = [p for p in plans if p["received_on"].year == figures["years"][-1]]
    return plans + _later_years(last, {2025: 402}, today, random.Random("trondheim-later"))


def _fredrikstad(today: date) -> list[dict[str, Any]]:
    rng = random.Random("fredrikstad")
    plans: list[dict[str, Any]] = []
    codes = [a.code for a in MUNICIPAL_AREAS]
    weights = [9, 6, 5, 4, 3, 2, 3, 2, 1]
    for year, total in ((2022, 96), (2023, 118), (2024, 131), (2025, 142)):
        year_plans = [_plan(rng.choices(codes, weights)[0], rng) for _ in range(total)]
        _spread_dates(year_plans, year, random.Random(f"fredrikstad-{year}"))
        plans += year_plans
    last = [p for p in plans if p["received_on"].year == 2025]
    return plans + _later_years(last, {}, today, random.Random("fredrikstad-later"))


def _later_years(
    model: list[dict[str, Any]], totals: dict[int, int], today: date, rng: random.Random
) -> list[dict[str, Any]]:
    """The years after the published ones, up to today: like the model year (areas, case types, the share outside
    the mandate), `totals` inquiries a year (else the model year's count), this year only up to today."""
    plans: list[dict[str, Any]] = []
    first = model[0]["received_on"].year + 1
    for year in range(first, today.year + 1):
        total = totals.get(year, len(model))
        end = min(date(year, 12, 31), today)
        days = (end - date(year, 1, 1)).days + 1
        count = max(5, round(total * days / 365))
        year_plans = [_copy(rng.choice(model)) for _ in range(count)]
        for plan in year_plans:
            plan["received_on"] = date(year, 1, 1) + timedelta(days=rng.randrange(days))
        plans += sorted(year_plans, key=lambda p: p["received_on"])
    return plans


def _copy(plan: dict[str, Any]) -> dict[str, Any]:
    return {**plan, "further": list(plan["further"]), "case_types": list(plan["case_types"])}


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


OVERDUE_PER_OFFICE = 3
OMBUD_OPEN_PER_OFFICE = 2


def _keep_open(plans: list[dict[str, Any]], today: date, rng: random.Random) -> None:
    """Marks the inquiries every demo office has open today, whatever the draw: a few whose month (fvl. § 11 a) ran
    out with no interim reply, the caseworker's and the ombud's, and a few recent ones on the ombud's own list."""
    within_mandate = [p for p in plans if not p.get("outside_mandate")]
    overdue = [
        p
        for p in within_mandate
        if today - timedelta(days=75) <= p["received_on"] and reply_due(p["received_on"]) < today
    ]
    recent = [p for p in within_mandate if today - timedelta(days=20) <= p["received_on"]]
    for index, plan in enumerate(rng.sample(overdue, min(OVERDUE_PER_OFFICE, len(overdue)))):
        plan.update(kept_open="overdue", by="ombud" if index % 2 else "adviser")
    for plan in rng.sample(recent, min(OMBUD_OPEN_PER_OFFICE, len(recent))):
        plan.update(kept_open="open", by="ombud")


def _by_year(plans: list[dict[str, Any]]) -> Iterator[tuple[int, list[dict[str, Any]]]]:
    years = sorted({p["received_on"].year for p in plans})
    for year in years:
        yield year, sorted((p for p in plans if p["received_on"].year == year), key=lambda p: p["received_on"])


# -- the workflow: what happened to each inquiry after it came in ------------------------------
#
# As in a real office: a case is assigned within days, answered (or given an interim reply under fvl. § 11 a) within
# the month, and closed within weeks; a complaint waits months for its decision. So what is still open is recent, and
# only a few cases slipped past the month: those `_keep_open` marks, and a few of this year's that the draw lets slip.


def _inquiry(
    tenant: Tenant,
    sequence: ReferenceSequence,
    plan: dict[str, Any],
    rng: random.Random,
    today: date,
    staff: _Staff,
    index: SearchIndex,
) -> Inquiry:
    received = plan["received_on"]
    channel = _weighted(rng, _CHANNELS)
    taker = _CITIZEN if channel == "web" else staff.handler(rng)
    reference = sequence.issue(taker.acting(rng), on=received)
    number = reference.replace("-", "")
    ctx = taker.acting(rng)
    command = ReceiveInquiry(
        received_on=received,
        channel=channel,
        requester_role=_weighted(rng, _REQUESTERS),
        service_area=plan["area"],
        further_areas=tuple(plan["further"]),
        case_types=tuple(plan["case_types"]),
        outside_mandate=plan.get("outside_mandate", False),
        summary="Demohenvendelse: innbyggeren ber om hjelp i møte med kommunen.",
        requester_name=f"Demo Testesen {number}",
        contact=f"demo-{number}@example.invalid",
    )
    inquiry = received_inquiry(ctx, tenant, command, reference=reference, index=index)
    handler = staff.handler(rng)
    kept_open = plan.get("kept_open")
    if kept_open:
        handler = staff.ombud if plan["by"] == "ombud" else staff.advisers[0]
    assigned = received + timedelta(days=rng.choice((0, 0, 1, 1, 2, 3)))
    first_reply = received + timedelta(days=rng.randint(2, 25))  # § 11 a: inside the month, always
    shape = rng.random()
    overdue = rng.random() < 0.15  # a few of this year's cases slip past the month (the dashboard shows them)
    if plan.get("outside_mandate"):
        shape = -1.0

    def act(on: date, step: Callable[[Context], None], by: _Person = handler) -> bool:
        if on > today:
            return False
        step(by.acting(rng))
        return True

    if not act(assigned, lambda c: inquiry.assign(c, on=assigned, assignee=handler.email), staff.ombud):
        return inquiry
    day = assigned
    if kept_open == "overdue":  # the month has run out with no reply and no interim reply (fvl. § 11 a)
        noted = min(today, assigned + timedelta(days=rng.randint(1, 10)))
        act(noted, lambda c: inquiry.add_note(c, on=noted, text="Demonotat: venter på svar fra tjenestestedet."))
        return inquiry
    if kept_open == "open":  # in the ombud's hands: an interim reply once its day has come, not closed yet
        act(first_reply, lambda c: inquiry.send_interim_reply(c, on=first_reply))
        return inquiry
    if shape < 0:  # outside the mandate: guided elsewhere within days
        day += timedelta(days=rng.randint(0, 5))
        act(day, lambda c: inquiry.resolve(c, on=day, outcome="outside_mandate"))
        return inquiry
    if shape < 0.12:  # belongs to another body: forwarded and closed
        day = max(day, received + timedelta(days=rng.randint(2, 14)))
        body = rng.choice(FORWARD_BODIES[:-1])
        if act(day, lambda c: inquiry.forward(c, on=day, to_body=body, reason="Saken hører under et annet organ.")):
            act(day, lambda c: inquiry.resolve(c, on=day, outcome="referred"))
        return inquiry
    lasts = rng.randint(60, 160) if shape > 0.8 else rng.randint(3, 45)  # a complaint waits for its decision
    closes = max(day, received + timedelta(days=lasts))
    if closes > first_reply and not (overdue and received.year == today.year):
        if not act(first_reply, lambda c: inquiry.send_interim_reply(c, on=first_reply)):
            return inquiry
        day = max(day, first_reply)
    if rng.random() < 0.3:
        met = day + timedelta(days=rng.randint(1, 20))
        if met < closes and act(met, lambda c: _meeting(inquiry, c, met, rng)):
            day = met
    if rng.random() < 0.4:
        noted = min(closes, day + timedelta(days=rng.randint(0, 10)))
        if act(noted, lambda c: inquiry.add_note(c, on=noted, text="Demonotat: fulgt opp med tjenestestedet.")):
            day = noted
    if shape > 0.8:
        sent = day + timedelta(days=rng.randint(3, 20))
        about = "Klage på vedtak om tjenester."
        if sent < closes and act(
            sent, lambda c: inquiry.send_complaint(c, on=sent, to=_complaint_to(rng), about=about)
        ):
            decided = closes - timedelta(days=rng.randint(0, 5))
            decided = max(decided, sent)
            act(decided, lambda c: inquiry.decide_complaint(c, on=decided, outcome=rng.choice(COMPLAINT_OUTCOMES)))
    outcome = rng.choice(("assisted", "assisted", "assisted", "guided", "guided", "withdrawn"))
    act(closes, lambda c: inquiry.resolve(c, on=closes, outcome=outcome))
    return inquiry


def _meeting(inquiry: Inquiry, ctx: Context, on: date, rng: random.Random) -> None:
    participants = ["ombud" if ctx.role == "tenant_admin" else "adviser", "requester"]
    inquiry.hold_meeting(ctx, on=on, participants=[*participants, rng.choice(("service_unit", "management"))])


def _complaint_to(rng: random.Random) -> str:
    return rng.choice(COMPLAINT_RECIPIENTS[:2])


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([code for code, _ in options], [weight for _, weight in options])[0]


DEMO_PASSWORD = "ombud-demo-2026"  # listed in README: demo accounts only, never on a real installation
DEMO_ACCOUNTS = (
    ("saksbehandler@drammen.demo", "caseworker", "drammen"),
    ("admin@drammen.demo", "tenant_admin", "drammen"),
    ("revisor@drammen.demo", "auditor", "drammen"),
    ("saksbehandler@trondheim.demo", "caseworker", "trondheim"),
    ("admin@trondheim.demo", "tenant_admin", "trondheim"),
    ("saksbehandler@fredrikstad.demo", "caseworker", "fredrikstad"),
    ("admin@fredrikstad.demo", "tenant_admin", "fredrikstad"),
    ("nettverk@ombud.demo", "network", None),
    ("plattform@ombud.demo", "platform_admin", None),
)
# Each demo account's display name: made up, but names a Norwegian office could have (README lists them).
DEMO_NAMES = {
    "saksbehandler@drammen.demo": "Kari Prøvestad",
    "admin@drammen.demo": "Ola Eksempelsen",
    "revisor@drammen.demo": "Randi Kontrollien",
    "saksbehandler@trondheim.demo": "Ingrid Testrud",
    "admin@trondheim.demo": "Per Demoli",
    "saksbehandler@fredrikstad.demo": "Sigrid Fiktivsen",
    "admin@fredrikstad.demo": "Knut Prøveberg",
    "nettverk@ombud.demo": "Nina Nettverksen",
    "plattform@ombud.demo": "Terje Driftsen",
}


def create_demo_accounts(directory: AccountDirectory) -> None:
    """The README's demo accounts; those that exist already are left alone, but for their demo name."""
    for email, role, tenant in DEMO_ACCOUNTS:
        found = directory.account_by_email(email)
        if found is None:
            with contextlib.suppress(EmailTaken):  # made a moment ago by another demo starting beside this one
                create_account(
                    directory,
                    email=email,
                    role=role,
                    tenant=tenant,
                    password=DEMO_PASSWORD,
                    display_name=DEMO_NAMES[email],
                )
        elif found.display_name != DEMO_NAMES[email]:  # an older demo's account: it gets its name all the same
            name_account_by_email(directory, setup_context(), NameAccountByEmail(email, DEMO_NAMES[email]))


def sign_in_guide(address: str) -> str:
    """What the person who started the demo needs: where to sign in, with which accounts, and the password."""
    width = max(len(email) for email, _, _ in DEMO_ACCOUNTS)
    lines = [
        "",
        f"Demoen er klar. Logg inn på {address}/login",
        f"Passordet er det samme for alle demokontoene: {DEMO_PASSWORD}",
        "",
    ]
    for email, role, tenant in DEMO_ACCOUNTS:
        where = f", {tenant.capitalize()}" if tenant else ""
        lines.append(f"  {email:<{width}}  {ROLE_NAMES[role]}{where} ({DEMO_NAMES[email]})")
    lines += ["", "Ctrl-C stopper demoen."]
    return "\n".join(lines)
