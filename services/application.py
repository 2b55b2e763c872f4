"""One eventsourcing Application per tenant: its own event tables and its own cipher key."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from datetime import date
from typing import Any, cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import InfrastructureFactory, JSONTranscoder, Mapper, StoredEvent, Transcoding
from eventsourcing.utils import Environment, get_topic

from domain.inquiry import PERSONAL_FIELDS, SHREDDED_LISTS, Inquiry
from services.attachments import AttachmentStore, InMemoryAttachments
from services.event_decoding import FastMapper
from services.inquiry_keys import EncryptedField, InquiryKeys, InquiryKeyStore
from services.key_epochs import EpochStore
from services.search_index import SearchIndex, SearchKeyStore
from services.sent_letters import InMemorySentLetters, SentLetterStore

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


class FieldEncryptingMapper(FastMapper):
    """Encrypts an inquiry's personal fields with its own key on the way to storage; the tenant cipher then wraps all.

    On the way back an encrypted field stays `EncryptedField` until a service opens it for a reader: the projections never need
    a personal field, so they never touch an inquiry key. A plain stored field (stored before encryption) stays plain.
    A shredded list (the blind index's keyed hashes) is opened here, for the worker: empty once the key is gone.
    """

    def __init__(
        self,
        base: Mapper[UUID],
        keys: InquiryKeys,
        known: Mapping[UUID, bytes] | None = None,
        *,
        open_lists: bool = True,
    ) -> None:
        """`known`: keys made for the inquiries of one bulk write (InquiryKeys.for_new), used instead of a lookup.
        `open_lists=False`: no inquiry key is looked up at all and the blind index reads empty, for folds that read no
        personal field (retention's rule: services/retention.py), which need not ask for a key per inquiry."""
        super().__init__(base)
        self.keys = keys
        self.known = known or {}
        self.open_lists = open_lists

    def with_keys(self, known: Mapping[UUID, bytes]) -> FieldEncryptingMapper:
        """This mapper for one bulk write, with the keys made for its new inquiries."""
        return FieldEncryptingMapper(self, self.keys, known, open_lists=self.open_lists)

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
            key = self.known.get(domain_event.originator_id) or self.keys.for_writing(domain_event.originator_id)
            for field in plain:
                encrypted[field] = self.keys.encrypt_field(key, domain_event.originator_id, field, state[field])
        for field in fields:
            if isinstance(encrypted.get(field), EncryptedField):
                encrypted[field] = encrypted[field].envelope()
        clone = object.__new__(type(domain_event))
        object.__setattr__(clone, "__dict__", encrypted)
        return super().to_stored_event(clone)

    def event_of(self, originator_id: UUID | str, version: int, topic: str, stored_state: bytes) -> Any:
        event = super().event_of(originator_id, version, topic, stored_state)
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
        attachments: AttachmentStore | None = None,
        sent_letters: SentLetterStore | None = None,
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
        self.attachments: AttachmentStore = attachments or InMemoryAttachments()
        self.sent_letters: SentLetterStore = InMemorySentLetters() if sent_letters is None else sent_letters
        super().__init__(
            env={
                "CIPHER_TOPIC": "eventsourcing.cryptography:AESCipher",
                "CIPHER_KEY": cipher_key,
                "CREATE_TABLE": "yes" if create_tables else "no",
            }
        )

    def decoded(self, rows: Sequence[tuple[Any, ...]]) -> list[DomainEventProtocol[UUID]]:
        """The worker's batch of stored rows (notification id, originator id, version, topic, state) as domain
        events; the keys that open the received inquiries' search words are fetched in one statement for the batch,
        not one round trip each."""
        received = get_topic(Inquiry.Received)
        ids = [row[1] for row in rows if row[3] == received and isinstance(row[1], UUID)]
        ahead = nullcontext() if self.inquiry_keys is None else self.inquiry_keys.read_ahead(ids)
        event_of = cast(FastMapper, self.mapper).event_of
        with ahead:
            return [event_of(row[1], row[2], row[3], row[4]) for row in rows]

    def search_tokens_of(self, received: Inquiry.Received) -> list[str]:
        """The word hashes the search index keeps for a received inquiry: those its event carries; for one received
        while the demo and the import wrote none, those of its name and summary as they open now, by the same rule
        (none once its key is destroyed). Keys and words stay in the worker; nothing is logged."""
        if received.search_tokens:
            return list(received.search_tokens)
        texts = [received.requester_name, received.summary]
        if any(isinstance(text, EncryptedField) for text in texts):
            keys = self.inquiry_keys
            key = None if keys is None else keys.for_reading(received.originator_id)
            if keys is None or key is None:
                return []
            texts = [
                keys.decrypt_field(key, received.originator_id, text) if isinstance(text, EncryptedField) else text
                for text in texts
            ]
        return self.search_index.tokens(*texts)

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        """Only what the caller gives: unlike the library's default, nothing from `os.environ`."""
        return Environment(name, dict(env or {}))

    def construct_factory(self, env: Environment) -> InfrastructureFactory:
        if self._make_factory is None:
            return super().construct_factory(env)
        return self._make_factory(env)

    def construct_mapper(self) -> Mapper[UUID]:
        mapper = super().construct_mapper()
        return FastMapper(mapper) if self.inquiry_keys is None else FieldEncryptingMapper(mapper, self.inquiry_keys)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
