"""The tenant aggregate and its versioned service-area taxonomy."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.common import FIRST_BUSINESS_DAY, Context, InvalidField
from domain.taxonomy import (
    SECTOR_AREAS,
    SECTOR_AREAS_BEFORE_2024_REORGANISATION,
    STANDARD_CASE_TYPES,
    TEMPLATES,
    ServiceArea,
    Taxonomy,
    code_for,
)
from domain.tenant import TENANT_ID, Tenant, UnknownCaseType
from tests.unit.helpers import REGISTERED_ON, assert_made_by, assert_refused_at, register_tenant

REORGANISED_ON = date(2024, 6, 13)
# Trondheim's reorganisation: the two old sectors are gone, their units live on under new sectors.
REORGANISATION_MAPPING = {"helse-omsorg-og-velferd": "helse-og-omsorg", "oppvekst": "oppvekst-og-utdanning"}


@pytest.fixture
def trondheim(ctx: Context) -> Tenant:
    return register_tenant(ctx, slug="prove-trondheim", areas=SECTOR_AREAS_BEFORE_2024_REORGANISATION)


def reorganise(tenant: Tenant, ctx: Context, **overrides: Any) -> None:
    fields: dict[str, Any] = {
        "on": date(2024, 6, 1),
        "effective_from": REORGANISED_ON,
        "areas": SECTOR_AREAS,
        "mapping": dict(REORGANISATION_MAPPING),
    }
    fields.update(overrides)
    tenant.publish_taxonomy(ctx, **fields)


# -- registration --------------------------------------------------------------------------


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_a_tenant_registers_with_a_template_as_its_first_taxonomy_and_the_standard_case_types(
    ctx: Context, template: str
) -> None:
    tenant = register_tenant(ctx, areas=TEMPLATES[template], shares_statistics=False, population=None)

    [event] = tenant.collect_events()
    assert isinstance(event, Tenant.Registered)
    assert_made_by(event, ctx, REGISTERED_ON)
    assert event.timestamp.utcoffset() is not None
    assert tenant.id == TENANT_ID == Tenant.id_for()
    assert (tenant.slug, tenant.name, tenant.population, tenant.shares_statistics) == (
        "testby",
        "Testby kommune",
        None,
        False,
    )
    [taxonomy] = tenant.taxonomies
    assert (taxonomy.version, taxonomy.effective_from, taxonomy.areas) == (1, FIRST_BUSINESS_DAY, TEMPLATES[template])
    assert tenant.case_types == STANDARD_CASE_TYPES
    assert tenant.taxonomy_mappings == {}


@pytest.mark.parametrize(
    "slug",
    [
        "",
        "t",
        "Testby",
        "1testby",
        "-testby",
        "test_by",
        "test by",
        "testbyø",
        "t" * 41,
        None,
        pytest.param(
            "testby\n",
        ),
    ],
    ids=[
        "empty",
        "one-char",
        "upper",
        "digit-first",
        "dash-first",
        "underscore",
        "space",
        "non-ascii",
        "too-long",
        "none",
        "trailing-newline",
    ],
)
def test_a_bad_slug_is_refused(ctx: Context, slug: object) -> None:
    with pytest.raises(InvalidField) as raised:
        register_tenant(ctx, slug=slug)
    assert raised.value.field == "slug"


@pytest.mark.parametrize("slug", ["tb", "nord-fron", "k" + "1" * 39])
def test_a_good_slug_is_accepted(ctx: Context, slug: str) -> None:
    assert register_tenant(ctx, slug=slug).slug == slug


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"population": -1}, "population"),
        ({"population": True}, "population"),
        ({"population": 12.5}, "population"),
        ({"population": "12345"}, "population"),
        ({"name": " "}, "name"),
        ({"name": "Testby\x00kommune"}, "name"),
        ({"areas": ()}, "areas"),
    ],
    ids=[
        "negative-population",
        "bool-population",
        "float-population",
        "text-population",
        "blank-name",
        "nul-in-name",
        "no-areas",
    ],
)
def test_registration_refuses_an_invalid_value_and_names_the_field(
    ctx: Context, overrides: dict[str, Any], field: str
) -> None:
    assert_refused_at(field, register_tenant, ctx, **overrides)


def test_a_population_of_zero_is_allowed(ctx: Context) -> None:
    assert register_tenant(ctx, population=0).population == 0


def test_changing_the_profile_updates_name_population_and_sharing(ctx: Context) -> None:
    tenant = register_tenant(ctx)

    tenant.change_profile(ctx, on=date(2024, 2, 1), name="Prøveby kommune", population=999, shares_statistics=False)

    assert (tenant.name, tenant.population, tenant.shares_statistics) == ("Prøveby kommune", 999, False)
    with pytest.raises(InvalidField) as raised:
        tenant.change_profile(ctx, on=date(2024, 2, 1), name="Prøveby kommune", population=-5, shares_statistics=False)
    assert raised.value.field == "population"


# -- case types ----------------------------------------------------------------------------


def test_known_case_types_pass(ctx: Context) -> None:
    register_tenant(ctx).require_case_types([c.code for c in STANDARD_CASE_TYPES])


def test_an_unknown_case_type_is_refused(ctx: Context) -> None:
    with pytest.raises(UnknownCaseType) as raised:
        register_tenant(ctx).require_case_types(["application_help", "Bistand til søknad"])
    assert raised.value.field == "case_types"


# -- taxonomy ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wanted", "code"),
    [
        ("plan-og-bygg", "plan-og-bygg"),
        ("Plan og bygg", "plan-og-bygg"),
        ("PLAN OG BYGG", "plan-og-bygg"),
        ("  plan og bygg ", "plan-og-bygg"),
        ("Vann, avløp, renovasjon", "vann-avlop-renovasjon"),
        ("NAV", "nav"),
    ],
)
def test_an_area_is_found_by_code_or_by_name_ignoring_case(ctx: Context, wanted: str, code: str) -> None:
    taxonomy = register_tenant(ctx).taxonomies[0]

    assert taxonomy.find(wanted).code == code


@pytest.mark.parametrize("wanted", ["Psykiatri", "PLAN-OG-BYGG", "", "plan og"])
def test_an_unknown_area_names_the_service_area_field(ctx: Context, wanted: str) -> None:
    with pytest.raises(InvalidField) as raised:
        register_tenant(ctx).taxonomies[0].find(wanted)
    assert raised.value.field == "service_area"


@pytest.mark.parametrize(
    ("code", "top"),
    [
        ("fastlege", "helse-og-omsorg"),
        ("barne-og-familietjenesten", "sosiale-tjenester"),
        ("skole", "oppvekst-og-utdanning"),
        ("sosiale-tjenester", "sosiale-tjenester"),
    ],
)
def test_the_top_level_of_a_unit_is_its_sector(code: str, top: str) -> None:
    taxonomy = Taxonomy(version=1, effective_from=FIRST_BUSINESS_DAY, areas=SECTOR_AREAS)

    assert taxonomy.top_level(code).code == top


@pytest.mark.parametrize(
    "areas",
    [
        (ServiceArea("helse", "Helse"), ServiceArea("helse", "Helse igjen")),
        (ServiceArea("fastlege", "Fastlege", parent="helse"),),
        pytest.param(
            (ServiceArea("a", "A", parent="b"), ServiceArea("b", "B", parent="a")),
        ),
    ],
    ids=["duplicate-code", "unknown-parent", "parent-cycle"],
)
def test_a_taxonomy_refuses_inconsistent_areas(areas: tuple[ServiceArea, ...]) -> None:
    with pytest.raises(InvalidField) as raised:
        Taxonomy(version=1, effective_from=FIRST_BUSINESS_DAY, areas=areas)
    assert raised.value.field == "areas"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Vann, avløp, renovasjon", "vann-avlop-renovasjon"),
        ("Skole og barnehage", "skole-og-barnehage"),
        ("Bo- og aktivitetstilbudet (BoA)", "bo-og-aktivitetstilbudet-boa"),
        ("Ærlig Økonomi Åpen", "aerlig-okonomi-apen"),
        ("Helse- og velferdssenter/HDO-boliger", "helse-og-velferdssenter-hdo-boliger"),
        ("Café", "cafe"),
    ],
)
def test_code_for_makes_a_stable_ascii_code_from_a_norwegian_name(name: str, code: str) -> None:
    assert code_for(name) == code


# -- publishing taxonomy versions ----------------------------------------------------------


def test_publishing_a_taxonomy_adds_the_next_version_with_its_mapping(trondheim: Tenant, ctx: Context) -> None:
    trondheim.collect_events()

    reorganise(trondheim, ctx)

    [event] = trondheim.collect_events()
    assert isinstance(event, Tenant.TaxonomyPublished)
    assert (event.actor_id, event.on, event.correlation_id) == (ctx.user_id, date(2024, 6, 1), ctx.correlation_id)
    assert [t.version for t in trondheim.taxonomies] == [1, 2]
    assert trondheim.taxonomies[1].effective_from == REORGANISED_ON
    assert trondheim.taxonomies[1].areas == SECTOR_AREAS
    assert trondheim.taxonomy_mappings == {2: REORGANISATION_MAPPING}

    reorganise(trondheim, ctx, effective_from=date(2025, 1, 1), mapping={})
    assert [t.version for t in trondheim.taxonomies] == [1, 2, 3]


@pytest.mark.parametrize("effective_from", [REORGANISED_ON, date(2024, 6, 12)], ids=["same-day", "earlier"])
def test_a_new_version_must_take_effect_after_the_previous_one(
    trondheim: Tenant, ctx: Context, effective_from: date
) -> None:
    reorganise(trondheim, ctx)

    with pytest.raises(InvalidField) as raised:
        reorganise(trondheim, ctx, effective_from=effective_from, mapping={})
    assert raised.value.field == "effective_from"
    assert len(trondheim.taxonomies) == 2


@pytest.mark.parametrize(
    "mapping",
    [
        {},
        {"helse-omsorg-og-velferd": "helse-og-omsorg"},
        {"helse-omsorg-og-velferd": "helse-og-omsorg", "oppvekst": "oppvekst"},
        {"helse-omsorg-og-velferd": "helse-og-omsorg", "oppvekst": "Oppvekst og utdanning"},
    ],
    ids=["nothing-mapped", "one-removed-area-unmapped", "target-was-removed", "target-by-name"],
)
def test_the_mapping_must_cover_removed_areas_and_point_to_areas_of_the_new_version(
    trondheim: Tenant, ctx: Context, mapping: dict[str, str]
) -> None:
    trondheim.collect_events()

    with pytest.raises(InvalidField) as raised:
        reorganise(trondheim, ctx, mapping=mapping)
    assert raised.value.field == "mapping"
    assert len(trondheim.taxonomies) == 1
    assert trondheim.collect_events() == []


def test_a_mapping_from_an_area_the_old_version_never_had_names_the_mapping_field(
    trondheim: Tenant, ctx: Context
) -> None:
    with pytest.raises(InvalidField) as raised:
        reorganise(trondheim, ctx, mapping={**REORGANISATION_MAPPING, "psykiatri": "helse-og-omsorg"})
    assert raised.value.field == "mapping"


@pytest.mark.parametrize(
    ("day", "version"),
    [
        (date(1999, 12, 31), 1),
        (FIRST_BUSINESS_DAY, 1),
        (date(2024, 6, 12), 1),
        (REORGANISED_ON, 2),
        (date(2024, 12, 31), 2),
        (date(2025, 1, 1), 3),
        (date(2030, 1, 1), 3),
    ],
)
def test_the_taxonomy_in_force_on_a_date_is_the_latest_that_took_effect_by_then(
    trondheim: Tenant, ctx: Context, day: date, version: int
) -> None:
    reorganise(trondheim, ctx)
    reorganise(trondheim, ctx, effective_from=date(2025, 1, 1), mapping={})

    assert trondheim.taxonomy_on(day).version == version


def test_replaying_a_tenant_rebuilds_its_taxonomies_and_mappings(trondheim: Tenant, ctx: Context) -> None:
    reorganise(trondheim, ctx)
    trondheim.change_profile(ctx, on=date(2024, 7, 1), name="Prøve-Trondheim", population=1, shares_statistics=False)

    replayed = None
    for event in trondheim.collect_events():
        replayed = event.mutate(replayed)

    assert replayed is not None and replayed is not trondheim
    assert vars(replayed) == vars(trondheim)
    assert replayed.taxonomy_mappings == {2: REORGANISATION_MAPPING}
