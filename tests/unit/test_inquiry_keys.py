"""Per-inquiry keys and erasure on in-memory persistence: encrypted fields, moved ciphertexts, erased fields."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from domain.common import Context
from domain.inquiry import ERASED, AlreadyErased, Inquiry
from services.application import OfficeApplication
from services.case_commands import AddNote, Forward, SendComplaint
from services.inquiry_keys import DecryptionFailed, InMemoryInquiryKeys, InquiryKeys
from services.key_epochs import InMemoryEpochStore
from services.keys import new_tenant_key
from services.office import EraseInquiry, Office
from services.platform import Platform
from services.retention import LiftLegalHold, PlaceLegalHold, Retention
from tests import factories

ON = date(2024, 3, 1)
NAME = "Åse Testperson"
CONTACT = "ase.testperson@example.invalid"
SUMMARY = "Åse Testperson ber om hjelp med klage på avslag om avlastning."
NOTE = "Ringte tilbake til Åse om vedtaket."
PERSONAL = (NAME, CONTACT, SUMMARY, NOTE, "Videresendt fordi Åse ønsket det", "Klage på Åses vedtak")


@pytest.fixture
def office(platform: Platform, ctx: Context) -> Office:
    return platform.create_tenant(ctx, slug="testby", name="Testby kommune")


def full_inquiry(office: Office, ctx: Context, reference: str) -> str:
    factories.receive(
        office, ctx, reference=reference, received_on=ON, summary=SUMMARY, requester_name=NAME, contact=CONTACT
    )
    office.handle(ctx, AddNote(inquiry=reference, on=ON, text=NOTE))
    office.handle(ctx, Forward(inquiry=reference, on=ON, to_body="nav", reason=PERSONAL[4]))
    office.handle(ctx, SendComplaint(inquiry=reference, on=ON, to="county_governor", about=PERSONAL[5]))
    return reference


def stored_states(app: OfficeApplication) -> list[str]:
    """Every stored event's state with the tenant cipher taken off: what the per-inquiry keys alone protect."""
    states = []
    for event in app.recorder.select_notifications(start=None, limit=10_000):
        state = app.mapper.cipher.decrypt(event.state)
        if app.mapper.compressor:
            state = app.mapper.compressor.decompress(state)
        states.append(state.decode())
    return states


def test_personal_fields_are_stored_encrypted_and_read_back_plain(office: Office, ctx: Context) -> None:
    full_inquiry(office, ctx, "2024-0001")

    states = "\n".join(stored_states(office.app))
    assert not any(json.dumps(text)[1:-1] in states or text in states for text in PERSONAL)
    assert '"v": 1' in states or '"v":1' in states
    view = office.inquiry("2024-0001")
    assert (view.requester_name, view.contact, view.summary) == (NAME, CONTACT, SUMMARY)
    details = [entry.details for entry in office.history("2024-0001")]
    assert details[1]["text"] == NOTE
    assert details[2]["reason"] == PERSONAL[4]
    assert details[3]["about"] == PERSONAL[5]


def test_codes_and_dates_stay_readable_to_the_projections(office: Office, ctx: Context) -> None:
    full_inquiry(office, ctx, "2024-0001")
    events = [office.app.mapper.to_domain_event(e) for e in office.app.recorder.select_notifications(None, 100)]
    received = next(e for e in events if isinstance(e, Inquiry.Received))

    assert (received.channel, received.primary_area, received.on) == ("phone", "helse", ON)
    assert NAME not in repr(received)


def keys_of(slug: str, store: InMemoryInquiryKeys, tenant_key: str, epochs: InMemoryEpochStore) -> InquiryKeys:
    return InquiryKeys(slug, tenant_key, store, epochs)


def test_a_encrypted_field_moved_to_another_inquiry_field_or_tenant_fails_to_open() -> None:
    tenant_key, store, epochs = new_tenant_key(), InMemoryInquiryKeys(), InMemoryEpochStore()
    keys = keys_of("testby", store, tenant_key, epochs)
    a, b = Inquiry.id_for("2024-0001"), Inquiry.id_for("2024-0002")
    key_a, key_b = keys.for_writing(a), keys.for_writing(b)
    encrypted = keys.encrypt_field(key_a, a, "summary", SUMMARY)

    assert keys.decrypt_field(key_a, a, encrypted) == SUMMARY
    with pytest.raises(DecryptionFailed):
        keys.decrypt_field(key_b, b, encrypted)  # another inquiry
    with pytest.raises(DecryptionFailed):
        keys.decrypt_field(key_a, b, encrypted)  # the right key, claimed for another inquiry
    with pytest.raises(DecryptionFailed):
        keys.decrypt_field(
            key_a, a, type(encrypted)("requester_name", encrypted.nonce, encrypted.ciphertext)
        )  # another field
    other_tenant = keys_of("annenby", store, tenant_key, epochs)
    with pytest.raises(DecryptionFailed):
        other_tenant.decrypt_field(key_a, a, encrypted)  # another tenant, even were its key the same
    with pytest.raises(DecryptionFailed):
        other_tenant.for_reading(a)  # a wrapped key moved to another tenant does not unwrap


def test_a_wrapped_key_moved_to_another_inquiry_does_not_unwrap() -> None:
    store = InMemoryInquiryKeys()
    keys = keys_of("testby", store, new_tenant_key(), InMemoryEpochStore())
    a, b = Inquiry.id_for("2024-0001"), Inquiry.id_for("2024-0002")
    keys.for_writing(a)
    store.rows[b] = store.rows[a]

    with pytest.raises(DecryptionFailed):
        keys.for_reading(b)


def test_erasure_shows_every_personal_field_as_erased_and_leaves_other_inquiries(office: Office, ctx: Context) -> None:
    full_inquiry(office, ctx, "2024-0001")
    full_inquiry(office, ctx, "2024-0002")
    before = stored_states(office.app)

    office.handle(factories.as_admin(ctx), EraseInquiry("2024-0001", ON, "krav fra innbygger", outcome="withdrawn"))

    view, history = office.case_file("2024-0001")
    assert (view.requester_name, view.contact, view.summary) == (ERASED, ERASED, ERASED)
    assert view.erased_on == ON
    shown = repr(view) + repr(history)
    assert not any(text in shown for text in PERSONAL)
    assert history[-1].event == "Erased"
    assert history[-1].details == {"reason": ERASED}  # encrypted with the very key the erasure destroyed
    assert stored_states(office.app)[: len(before)] == before  # nothing stored was rewritten
    other = office.inquiry("2024-0002")
    assert (other.requester_name, other.summary) == (NAME, SUMMARY)


def test_an_erased_inquiry_takes_no_further_steps_and_cannot_be_erased_twice(office: Office, ctx: Context) -> None:
    full_inquiry(office, ctx, "2024-0001")
    office.handle(factories.as_admin(ctx), EraseInquiry("2024-0001", ON, "krav fra innbygger", outcome="withdrawn"))

    with pytest.raises(AlreadyErased):
        office.handle(ctx, AddNote(inquiry="2024-0001", on=ON, text="Ny opplysning"))
    with pytest.raises(AlreadyErased):
        office.handle(factories.as_admin(ctx), EraseInquiry("2024-0001", ON, "krav fra innbygger", outcome="withdrawn"))


def test_erasing_one_tenants_inquiry_leaves_the_same_reference_in_another_tenant(
    platform: Platform, office: Office, ctx: Context
) -> None:
    other = platform.create_tenant(ctx, slug="annenby", name="Annenby kommune")
    full_inquiry(office, ctx, "2024-0001")
    full_inquiry(other, ctx, "2024-0001")

    office.handle(factories.as_admin(ctx), EraseInquiry("2024-0001", ON, "kassasjon", outcome="withdrawn"))

    assert other.inquiry("2024-0001").requester_name == NAME
    assert office.inquiry("2024-0001").requester_name == ERASED


def plain_events(office: Office, ctx: Context, tenant_key: str, reference: str) -> list[Any]:
    """Events as stored before fields were encrypted: the same tenant cipher, plain fields."""
    inquiry = factories.inquiry(ctx, reference=reference, received_on=ON, summary=SUMMARY, requester_name=NAME)
    inquiry.add_note(ctx, on=ON, text=NOTE)
    mapper = OfficeApplication(office.slug, tenant_key).mapper
    return [mapper.to_stored_event(event) for event in inquiry.collect_events()]


def test_events_stored_with_plain_fields_still_read_and_erase(platform: Platform, ctx: Context) -> None:
    office = platform.create_tenant(ctx, slug="gammelby", name="Gammelby kommune")
    tenant_key = office.app.env.get("CIPHER_KEY")
    office.app.recorder.insert_events(plain_events(office, ctx, tenant_key, "2023-0001"))

    view = office.inquiry("2023-0001")
    assert (view.requester_name, view.summary) == (NAME, SUMMARY)
    office.handle(ctx, AddNote(inquiry="2023-0001", on=ON, text="Nytt notat etter endringen"))
    assert [e.details.get("text") for e in office.history("2023-0001")][1:] == [NOTE, "Nytt notat etter endringen"]

    office.handle(factories.as_admin(ctx), EraseInquiry("2023-0001", ON, "krav fra innbygger", outcome="withdrawn"))
    assert not any(text in repr(office.case_file("2023-0001")) for text in PERSONAL)


def test_encryption_without_a_key_store_stores_plain_fields(ctx: Context) -> None:
    """The import's encoder has no key store: its rows carry no personal text, and its events read as plain."""
    app = OfficeApplication("testby", new_tenant_key())
    stored = app.mapper.to_stored_event(
        factories.inquiry(
            ctx, reference="2024-0009", received_on=ON, channel="web", summary="Importert fra saksloggen."
        ).collect_events()[0]
    )
    assert app.mapper.to_domain_event(stored).summary == "Importert fra saksloggen."
    assert stored.originator_id == Inquiry.id_for("2024-0009")


def test_erasure_and_hold_reasons_are_stored_encrypted_and_die_with_the_key(office: Office, ctx: Context) -> None:
    full_inquiry(office, ctx, "2024-0001")
    retention = Retention(office)
    retention.place_hold(ctx, PlaceLegalHold("2024-0001", ON, "tvist om Åses vedtak"))
    assert office.history("2024-0001")[-1].details == {"reason": "tvist om Åses vedtak"}
    retention.lift_hold(ctx, LiftLegalHold("2024-0001", ON))

    office.handle(factories.as_admin(ctx), EraseInquiry("2024-0001", ON, "krav fra Åse", outcome="withdrawn"))

    states = "\n".join(stored_states(office.app))
    for reason in ("tvist om Åses vedtak", "krav fra Åse"):
        assert reason not in states and json.dumps(reason)[1:-1] not in states
    assert [e.details["reason"] for e in office.history("2024-0001") if "reason" in e.details][-2:] == [ERASED] * 2


def test_a_hold_reason_stored_plain_before_encryption_still_reads(platform: Platform, ctx: Context) -> None:
    office = platform.create_tenant(ctx, slug="gammelby", name="Gammelby kommune")
    tenant_key = office.app.env.get("CIPHER_KEY")
    office.app.recorder.insert_events(plain_events(office, ctx, tenant_key, "2023-0001"))
    found = office.app.repository.get(Inquiry.id_for("2023-0001"))
    found.place_legal_hold(ctx, on=ON, reason="tilsynssak")
    plain = OfficeApplication(office.slug, tenant_key).mapper  # no key store: fields stay plain, as before encryption
    office.app.recorder.insert_events([plain.to_stored_event(event) for event in found.collect_events()])

    assert office.history("2023-0001")[-1].details == {"reason": "tilsynssak"}


class CountingKeys(InMemoryInquiryKeys):
    """Counts the statements a real store would make: one per `wrapped_key`, one per `wrapped_keys`."""

    def __init__(self) -> None:
        super().__init__()
        self.statements = 0

    def wrapped_key(self, inquiry_id: Any) -> Any:
        self.statements += 1
        return super().wrapped_key(inquiry_id)

    def wrapped_keys(self, inquiry_ids: Any) -> Any:
        self.statements += 1
        return super().wrapped_keys(inquiry_ids)


def test_the_workers_batch_opens_its_keys_with_one_statement_and_only_inside_the_batch() -> None:
    tenant_key, epochs = new_tenant_key(), InMemoryEpochStore()
    store, other_store = CountingKeys(), CountingKeys()
    keys, other = keys_of("testby", store, tenant_key, epochs), keys_of("annenby", other_store, tenant_key, epochs)
    ids = [Inquiry.id_for(f"2024-{n:04d}") for n in range(1, 6)]
    made = {inquiry_id: keys.for_writing(inquiry_id) for inquiry_id in ids}
    other.for_writing(ids[0])  # the same id in another tenant: a reference is the same everywhere
    keys.destroy(ids[4])
    store.statements = other_store.statements = 0

    with keys.read_ahead(ids):
        assert [keys.for_reading(i) for i in ids] == [made[i] for i in ids[:4]] + [None]  # the erased one: none
        assert store.statements == 1
        assert other.for_reading(ids[0]) not in (None, made[ids[0]])  # the other tenant's own key, from its store
        assert other_store.statements == 1
    keys.for_reading(ids[0])
    assert store.statements == 2  # after the batch, each read asks the store again


def test_keys_made_in_bulk_open_as_their_own_and_never_replace_a_key_made_or_destroyed_before() -> None:
    store = InMemoryInquiryKeys()
    keys = keys_of("testby", store, new_tenant_key(), InMemoryEpochStore())
    fresh, kept, erased = (Inquiry.id_for(f"2024-000{n}") for n in (1, 2, 3))
    before = keys.for_writing(kept)
    keys.for_writing(erased)
    keys.destroy(erased)

    made = keys.for_new([fresh, kept, erased])

    assert set(made) == {fresh}
    assert keys.for_reading(fresh) == made[fresh]
    assert keys.for_reading(kept) == before
    assert keys.for_reading(erased) is None
