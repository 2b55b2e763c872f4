"""One eventsourcing Application per tenant: its own event tables and its own cipher key."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import InfrastructureFactory, JSONTranscoder, Mapper, StoredEvent, Transcoding
from eventsourcing.utils import Environment

from domain.inquiry import PERSONAL_FIELDS, SHREDDED_LISTS
from services.inquiry_keys import EncryptedField, InquiryKeys, InquiryKeyStore
from services.key_epochs import EpochStore
from services.search_index import SearchIndex, SearchKeyStore

FactoryMaker = Callable[[Environment], InfrastructureFactory]


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


def table_prefix(slug: str) -> str:
    """Application name, hence event table names: tenant `nord-fron` → `tenant_nord_fron_events`."""
    return "tenant_" + slug.replace("-", "_")


class FieldEncryptingMapper(Mapper[UUID]):
    """Encrypts an inquiry's personal fields with its own key on the way to storage; the tenant cipher then wraps all.

    On the way back an encrypted field stays `EncryptedField` until a service opens it for a reader: the projections never need
    a personal field, so they never touch an inquiry key. A plain stored field (stored before encryption) stays plain.
    A shredded list (the blind index's keyed hashes) is opened here, for the worker: empty once the key is gone.
    """

    def __init__(self, base: Mapper[UUID], keys: InquiryKeys, *, open_lists: bool = True) -> None:
        """`open_lists=False`: no inquiry key is looked up at all and the blind index reads empty, for folds that
        read no personal field (retention's rule: services/retention.py), which need not ask for a key per inquiry."""
        super().__init__(base.transcoder, base.compressor, base.cipher)
        self.keys = keys
        self.open_lists = open_lists

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        lists = SHREDDED_LISTS.get(type(domain_event), ())
        fields = PERSONAL_FIELDS.get(type(domain_event), ()) + lists
        state = dict(vars(domain_event))
        for field in lists:  # a list of hashes is encrypted as one text; an empty list has nothing to hide
            if state.get(field):
                state[field] = " ".join(state[field])
        plain = [f for f in fields if isinstance(state.get(f), str)]
        if not plain and not any(isinstance(state.get(f), EncryptedField) for f in fields):
            return super().to_stored_event(domain_event)
        encrypted = dict(state)
        if plain:
            key = self.keys.for_writing(domain_event.originator_id)
            for field in plain:
                encrypted[field] = self.keys.encrypt_field(key, domain_event.originator_id, field, state[field])
        for field in fields:
            if isinstance(encrypted.get(field), EncryptedField):
                encrypted[field] = encrypted[field].envelope()
        clone = object.__new__(type(domain_event))
        object.__setattr__(clone, "__dict__", encrypted)
        return super().to_stored_event(clone)

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        event = super().to_domain_event(stored_event)
        state = vars(event)
        for field in PERSONAL_FIELDS.get(type(event), ()):
            encrypted = EncryptedField.from_stored(field, state.get(field))
            if encrypted is not None:
                state[field] = encrypted
        for field in SHREDDED_LISTS.get(type(event), ()):
            encrypted = EncryptedField.from_stored(field, state.get(field))
            if encrypted is not None:
                key = self.keys.for_reading(event.originator_id) if self.open_lists else None
                state[field] = (
                    [] if key is None else self.keys.decrypt_field(key, event.originator_id, encrypted).split()
                )
        return event


class OfficeApplication(Application[UUID]):
    """The event store of one kommune's office.

    Settings come only from the composition root (never from `os.environ`), and the
    persistence factory is handed in, so every tenant can share one bounded connection pool.
    Without a factory it runs on the library's in-memory persistence (unit tests).
    """

    def __init__(
        self,
        slug: str,
        cipher_key: str,
        make_factory: FactoryMaker | None = None,
        *,
        create_tables: bool = False,
        inquiry_keys: InquiryKeyStore | None = None,
        epochs: EpochStore | None = None,
        search_keys: SearchKeyStore | None = None,
    ) -> None:
        """`create_tables` only when the tenant is created: DDL from two processes at once collides.

        Without `inquiry_keys` personal fields are stored plain (the import, whose rows carry no personal text);
        with them, `epochs` (what wraps the inquiry and search keys) must be given too.
        """
        self.name = table_prefix(slug)
        self.slug = slug
        self._make_factory = make_factory
        self.inquiry_keys = None
        if inquiry_keys is not None:
            if epochs is None:
                raise ValueError("inquiry keys need the key epochs that wrap them")
            self.inquiry_keys = InquiryKeys(slug, cipher_key, inquiry_keys, epochs)
        self.search_index = SearchIndex(slug, cipher_key, epochs, search_keys)
        super().__init__(
            env={
                "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
                "CIPHER_KEY": cipher_key,
                "CREATE_TABLE": "yes" if create_tables else "no",
            }
        )

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        """Only what the caller gives: unlike the library's default, nothing from `os.environ`."""
        return Environment(name, dict(env or {}))

    def construct_factory(self, env: Environment) -> InfrastructureFactory:
        if self._make_factory is None:
            return super().construct_factory(env)
        return self._make_factory(env)

    def construct_mapper(self) -> Mapper[UUID]:
        mapper = super().construct_mapper()
        return mapper if self.inquiry_keys is None else FieldEncryptingMapper(mapper, self.inquiry_keys)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
