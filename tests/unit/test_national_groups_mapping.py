"""An office maps its areas to the network's national groups per taxonomy version, and chooses whether to share."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.common import Context, InvalidField
from domain.national_groups import DEFAULT_GROUPS, GROUP_CODES, OTHER
from domain.taxonomy import MUNICIPAL_AREAS, SECTOR_AREAS, SECTOR_AREAS_BEFORE_2024_REORGANISATION, ServiceArea
from domain.tenant import Tenant
from services.office import MapNationalGroups
from services.platform import Platform, UnknownTenant
from tests import factories
from tests.unit.conftest import InMemoryTenantDirectory
from tests.unit.helpers import assert_made_by, register_tenant

ON = date(2024, 7, 1)
OWN_AREAS = (
    ServiceArea("eiendom", "Eiendom"),
    ServiceArea("kultur", "Kultur"),
    ServiceArea("bibliotek", "Bibliotek", "kultur"),
)


def register(ctx: Context, areas: tuple[ServiceArea, ...] = MUNICIPAL_AREAS, **overrides: Any) -> Tenant:
    return register_tenant(ctx, areas=areas, **overrides)


def reorganised(ctx: Context) -> Tenant:
    tenant = register(ctx, SECTOR_AREAS_BEFORE_2024_REORGANISATION)
    tenant.publish_taxonomy(
        ctx,
        on=date(2024, 6, 1),
        effective_from=date(2024, 6, 13),
        areas=SECTOR_AREAS,
        mapping={"helse-omsorg-og-velferd": "helse-og-omsorg", "oppvekst": "oppvekst-og-utdanning"},
    )
    return tenant


# -- the mapping ---------------------------------------------------------------------------


def test_without_a_choice_every_area_has_its_default_group(ctx: Context) -> None:
    tenant = register(ctx)

    groups = tenant.national_groups(1)

    assert groups == {area.code: DEFAULT_GROUPS[area.code] for area in MUNICIPAL_AREAS}


def test_an_area_no_template_knows_falls_in_other_by_default(ctx: Context) -> None:
    tenant = register(ctx, OWN_AREAS)

    assert tenant.national_groups(1) == {"eiendom": OTHER, "kultur": OTHER, "bibliotek": OTHER}


def test_the_choice_is_recorded_with_who_and_when_and_completed_with_the_defaults(ctx: Context) -> None:
    tenant = register(ctx)
    tenant.collect_events()

    tenant.map_national_groups(ctx, on=ON, version=1, groups={"annet": "bolig", "kommunale-veier": "plan-og-bygg"})

    [event] = tenant.collect_events()
    assert isinstance(event, Tenant.NationalGroupsMapped)
    assert_made_by(event, ctx, ON)
    assert event.version == 1
    assert set(event.groups) == {area.code for area in MUNICIPAL_AREAS}
    assert tenant.national_groups(1)["annet"] == "bolig"
    assert tenant.national_groups(1)["kommunale-veier"] == "plan-og-bygg"
    assert tenant.national_groups(1)["helse"] == "helse-og-omsorg"


def test_each_taxonomy_version_has_its_own_mapping(ctx: Context) -> None:
    tenant = reorganised(ctx)

    tenant.map_national_groups(ctx, on=ON, version=1, groups={"skole": "annet"})

    assert tenant.national_groups(1)["skole"] == "annet"
    assert tenant.national_groups(2)["skole"] == "skole-og-barnehage"
    assert set(tenant.national_groups(2)) == {area.code for area in SECTOR_AREAS}


def test_a_later_choice_for_a_version_keeps_the_areas_it_leaves_out(ctx: Context) -> None:
    tenant = register(ctx)
    tenant.map_national_groups(ctx, on=ON, version=1, groups={"annet": "bolig"})

    tenant.map_national_groups(ctx, on=ON, version=1, groups={"nav": "annet"})

    assert tenant.national_groups(1)["nav"] == "annet"
    assert tenant.national_groups(1)["annet"] == "bolig"


@pytest.mark.parametrize(
    ("version", "groups", "field"),
    [
        (2, {}, "taxonomy_version"),
        (0, {}, "taxonomy_version"),
        (10**100, {}, "taxonomy_version"),
        (True, {}, "taxonomy_version"),
        ("1", {}, "taxonomy_version"),
        (1, {"finnes-ikke": "bolig"}, "national_group"),
        (1, {"helse": "finnes-ikke"}, "national_group"),
        (1, {"helse": "bolig\x00"}, "national_group"),
        (1, {"helse": 7}, "national_group"),
        (1, ["helse"], "national_group"),
    ],
    ids=[
        "unknown-version",
        "version-zero",
        "huge-version",
        "bool-version",
        "text-version",
        "unknown-area",
        "unknown-group",
        "nul-in-group",
        "group-not-text",
        "not-a-mapping",
    ],
)
def test_a_wrong_version_area_or_group_is_refused_naming_the_field_and_nothing_is_recorded(
    ctx: Context, version: Any, groups: Any, field: str
) -> None:
    tenant = register(ctx)
    tenant.collect_events()

    with pytest.raises(InvalidField) as raised:
        tenant.map_national_groups(ctx, on=ON, version=version, groups=groups)

    assert raised.value.field == field
    assert tenant.collect_events() == []
    assert tenant.national_groups(1) == {area.code: DEFAULT_GROUPS[area.code] for area in MUNICIPAL_AREAS}


def test_an_unknown_version_is_named_in_norwegian(ctx: Context) -> None:
    with pytest.raises(InvalidField) as raised:
        register(ctx).national_groups(3)
    assert "taksonomiversjon" in raised.value.message


def test_an_area_of_another_version_is_refused(ctx: Context) -> None:
    tenant = reorganised(ctx)

    with pytest.raises(InvalidField):
        tenant.map_national_groups(ctx, on=ON, version=2, groups={"oppvekst": "annet"})  # only in version 1


def test_replaying_the_events_gives_the_same_mapping_and_sharing(ctx: Context) -> None:
    tenant = reorganised(ctx)
    tenant.map_national_groups(ctx, on=ON, version=2, groups={"nav": "annet"})
    tenant.change_statistics_sharing(ctx, on=ON, shares=False)

    replayed = None
    for event in tenant.collect_events():
        replayed = event.mutate(replayed)

    assert replayed is not None
    assert vars(replayed) == vars(tenant)
    assert replayed.national_groups(2)["nav"] == "annet"
    assert replayed.shares_statistics is False


# -- sharing -------------------------------------------------------------------------------


def test_stopping_and_starting_to_share_is_recorded_once_each(ctx: Context) -> None:
    tenant = register(ctx)
    tenant.collect_events()

    assert tenant.change_statistics_sharing(ctx, on=ON, shares=False) is True
    assert tenant.change_statistics_sharing(ctx, on=ON, shares=False) is False
    assert tenant.change_statistics_sharing(ctx, on=ON, shares=True) is True

    events = tenant.collect_events()
    assert [type(e) for e in events] == [Tenant.StatisticsSharingChanged] * 2
    assert [e.shares_statistics for e in events] == [False, True]
    assert all(e.actor_id == ctx.user_id for e in events)


# -- the office and the platform -----------------------------------------------------------


def test_the_profile_holds_a_complete_mapping_for_every_version(platform: Platform, ctx: Context) -> None:
    office = platform.create_tenant(ctx, slug="testby", name="Testby kommune")
    areas = (*MUNICIPAL_AREAS, ServiceArea("kultur", "Kultur"))
    office.publish_taxonomy(ctx, on=ON, effective_from=date(2024, 6, 13), areas=areas, mapping={})

    office.handle(factories.acting("tenant_admin"), MapNationalGroups(version=2, groups={"helse": "annet"}, on=ON))

    groups = office.profile().national_groups
    assert set(groups) == {1, 2}
    assert set(groups[1]) == {area.code for area in MUNICIPAL_AREAS}
    assert groups[1]["helse"] == "helse-og-omsorg"
    assert groups[2]["helse"] == "annet"
    assert groups[2]["kultur"] == OTHER
    assert all(group in GROUP_CODES for mapping in groups.values() for group in mapping.values())


def test_a_tenant_created_without_sharing_is_not_in_the_sharing_list(
    platform: Platform, ctx: Context, directory: InMemoryTenantDirectory
) -> None:
    platform.create_tenant(ctx, slug="deler", name="Deler kommune")
    platform.create_tenant(ctx, slug="lukket", name="Lukket kommune", shares_statistics=False)

    assert platform.sharing_slugs() == ["deler"]
    assert directory.sharing == {"deler": True, "lukket": False}


def test_stopping_to_share_clears_the_flag_and_records_the_event_and_the_other_tenant_is_untouched(
    platform: Platform, ctx: Context
) -> None:
    first = platform.create_tenant(ctx, slug="forste", name="Første kommune")
    second = platform.create_tenant(ctx, slug="andre", name="Andre kommune")

    assert platform.set_statistics_sharing(ctx, "forste", False) is True

    assert platform.sharing_slugs() == ["andre"]
    assert first.profile().shares_statistics is False
    assert second.profile().shares_statistics is True

    assert platform.set_statistics_sharing(ctx, "forste", True) is True
    assert platform.sharing_slugs() == ["andre", "forste"]
    assert first.profile().shares_statistics is True


def test_stopping_clears_the_flag_even_when_recording_the_event_fails(
    platform: Platform, ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    office = platform.create_tenant(ctx, slug="testby", name="Testby kommune")

    def broken(*_: Any, **__: Any) -> bool:
        raise RuntimeError("the event store is gone")

    monkeypatch.setattr(office, "set_statistics_sharing", broken)
    with pytest.raises(RuntimeError):
        platform.set_statistics_sharing(ctx, "testby", False)
    assert platform.sharing_slugs() == []  # never shown against the office's will

    with pytest.raises(RuntimeError):
        platform.set_statistics_sharing(ctx, "testby", True)
    assert platform.sharing_slugs() == []  # not shown before the office's choice is recorded


def test_sharing_for_an_unknown_tenant_is_refused(platform: Platform, ctx: Context) -> None:
    platform.create_tenant(ctx, slug="testby", name="Testby kommune")

    with pytest.raises(UnknownTenant):
        platform.set_statistics_sharing(ctx, "finnes-ikke", False)
    assert platform.sharing_slugs() == ["testby"]


def test_reconciling_sets_each_flag_from_the_recorded_choice(
    platform: Platform, ctx: Context, directory: InMemoryTenantDirectory
) -> None:
    platform.create_tenant(ctx, slug="deler", name="Deler kommune")
    platform.create_tenant(ctx, slug="lukket", name="Lukket kommune", shares_statistics=False)
    directory.sharing = {"deler": False, "lukket": True}  # as after a migration, or a crash between the two writes

    assert sorted(platform.reconcile_statistics_sharing()) == ["deler", "lukket"]

    assert platform.sharing_slugs() == ["deler"]
    assert platform.reconcile_statistics_sharing() == []
