"""Reads stored events back fast: the library's stored format (AES-GCM, tag first; JSON with `_type_` objects), decoded
with one AES-GCM object per key and msgspec instead of a new cipher per event and a Python hook per JSON object.

Catch-up decodes every event of a tenant; this is most of its cost. Anything the fast path does not know (another
cipher, a compressor, JSON the stdlib accepts and msgspec does not) goes the library's way, with the same result.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

import msgspec
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.cryptography import AESCipher
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder, Mapper, MapperDeserialisationError, StoredEvent, Transcoding
from eventsourcing.utils import resolve_topic

NONCE, TAG = 12, 16
_json = msgspec.json.Decoder()


class FastMapper(Mapper[UUID]):
    """The library's mapper with a faster way back from storage; writing is the library's own."""

    def __init__(self, base: Mapper[UUID]) -> None:
        super().__init__(base.transcoder, base.compressor, base.cipher)
        self._aead = AESGCM(base.cipher.key) if type(base.cipher) is AESCipher and not base.compressor else None
        self._names: dict[str, Transcoding] = cast(JSONTranscoder, base.transcoder).names

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        return cast(
            DomainEventProtocol[UUID],
            self.event_of(
                stored_event.originator_id, stored_event.originator_version, stored_event.topic, stored_event.state
            ),
        )

    def event_of(self, originator_id: UUID | str, version: int, topic: str, stored_state: bytes) -> Any:
        """The domain event of one stored row (its id, version, topic and state), as the library would build it."""
        cls = resolve_topic(topic)
        try:
            state = self._state(stored_state)
        except Exception as error:
            raise MapperDeserialisationError(
                f"Failed to deserialise state of stored event with topic '{topic}', originator_id '{originator_id}'"
                f" and originator_version {version}: {error}"
            ) from error
        state["originator_id"] = originator_id if isinstance(originator_id, UUID) else UUID(originator_id)
        state["originator_version"] = version
        from_version = state.pop("class_version", 1)
        while from_version < getattr(cls, "class_version", 1):
            getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
            from_version += 1
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event

    def _state(self, stored_state: bytes) -> dict[str, Any]:
        if self._aead is None:
            if self.cipher:
                stored_state = self.cipher.decrypt(stored_state)
            if self.compressor:
                stored_state = self.compressor.decompress(stored_state)
            return cast(dict[str, Any], self.transcoder.decode(stored_state))
        nonce, tag, body = stored_state[:NONCE], stored_state[NONCE : NONCE + TAG], stored_state[NONCE + TAG :]
        if len(tag) != TAG:
            raise ValueError("Damaged cipher text: invalid tag length")
        try:
            plain = self._aead.decrypt(nonce, body + tag, None)
        except InvalidTag as error:
            raise ValueError("Invalid cipher tag") from error
        try:
            state = _json.decode(plain)
        except msgspec.DecodeError:  # what the stdlib's JSON also reads (NaN, say): its way
            return cast(dict[str, Any], self.transcoder.decode(plain))
        return cast(dict[str, Any], self._typed(state))

    def _typed(self, value: Any) -> Any:
        """`{"_type_": name, "_data_": data}` objects back to their values, innermost first, as the library's hook."""
        kind = type(value)
        if kind is dict:
            for key, item in value.items():
                if type(item) in (dict, list):
                    value[key] = self._typed(item)
            if len(value) == 2 and "_type_" in value and "_data_" in value:
                return self._names[value["_type_"]].decode(value["_data_"])
            return value
        if kind is list:
            return [self._typed(item) for item in value]
        return value
