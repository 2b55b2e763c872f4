"""The ways an arkivmelding leaves (OMBUD_ARCHIVE_TRANSPORT): a folder the archive's integration reads, or AMQP.

Both behind services.archive.fiks.Transport, so Fiks IO's own client can take the outbox later. A message's name or
AMQP message id is `<idempotency key>.<part>`, the same on every retry; its receipt comes back under the same name (a
file in the receipts folder, or a message on the reply queue with that correlation id and the tenant in a header).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from uuid import UUID

import pika
import pika.exceptions

from services.archive.fiks import MESSAGE_TYPE, DeliveryFailed, IncomingReceipt, Outgoing, Transport

log = logging.getLogger(__name__)

OUTGOING = "utgaaende"
RECEIPTS = "kvitteringer"
RECEIPTS_AT_ONCE = 100


def transport_for(settings: Any) -> Transport:
    """The transport the settings name (infra/settings.py checked the name)."""
    if settings.archive_transport == "amqp":
        return AmqpTransport(settings.archive_amqp_url, settings.archive_queue, settings.archive_reply_queue)
    return FolderTransport(settings.archive_dir)


class FolderTransport:
    """`<folder>/utgaaende/<tenant>.<key>.<part>.xml`, written whole (a temporary file, fsync, rename); receipts are
    read from `<folder>/kvitteringer/` under the same names and removed once recorded."""

    def __init__(self, folder: Path) -> None:
        self.outgoing = folder / OUTGOING
        self.receipts_dir = folder / RECEIPTS

    def deliver(self, message: Outgoing) -> None:
        self.outgoing.mkdir(parents=True, exist_ok=True)
        target = self.outgoing / f"{message.tenant}.{message.message_id}.xml"
        partial = target.with_suffix(".tmp")
        with partial.open("wb") as file:
            file.write(message.xml)
            file.flush()
            os.fsync(file.fileno())
        partial.replace(target)

    def receipts(self) -> Sequence[IncomingReceipt]:
        if not self.receipts_dir.is_dir():
            return []
        found = []
        for path in sorted(self.receipts_dir.glob("*.xml"))[:RECEIPTS_AT_ONCE]:
            named = _named(path.stem)
            if named is None:
                log.warning("archive: a receipt file with an unknown name is left alone")
                continue
            tenant, key, part = named
            done = functools.partial(path.unlink, missing_ok=True)
            found.append(IncomingReceipt(tenant, key, part, path.read_bytes(), done, _stays))
        return found

    def close(self) -> None:
        return None


class AmqpTransport:
    """Persistent messages to a durable queue with publisher confirms: `deliver` returns only once the broker has
    taken the message; a lost connection is reopened on the next call."""

    def __init__(self, url: str, queue: str, reply_queue: str) -> None:
        self._parameters = pika.URLParameters(url)
        self.queue = queue
        self.reply_queue = reply_queue
        self._connection: pika.BlockingConnection | None = None
        self._channel: Any = None

    def deliver(self, message: Outgoing) -> None:
        try:
            channel = self._open()
            channel.basic_publish(
                exchange="",
                routing_key=self.queue,
                body=message.xml,
                properties=pika.BasicProperties(
                    delivery_mode=pika.DeliveryMode.Persistent,
                    message_id=message.message_id,
                    correlation_id=message.message_id,
                    type=MESSAGE_TYPE,
                    content_type="application/xml",
                    reply_to=self.reply_queue,
                    headers={
                        "tenant": message.tenant,
                        "idempotency-key": str(message.key),
                        "part": message.part,
                        "parts": message.parts,
                    },
                ),
                mandatory=True,
            )
        except (pika.exceptions.AMQPError, OSError) as error:
            self.close()
            raise DeliveryFailed(error) from None

    def receipts(self) -> Sequence[IncomingReceipt]:
        found: list[IncomingReceipt] = []
        try:
            channel = self._open()
            while len(found) < RECEIPTS_AT_ONCE:
                method, properties, body = channel.basic_get(self.reply_queue, auto_ack=False)
                if method is None:
                    break
                tag = method.delivery_tag
                named = _named(f"{(properties.headers or {}).get('tenant', '')}.{properties.correlation_id or ''}")
                if named is None:
                    log.warning("archive: a reply without tenant or correlation id is dropped")
                    channel.basic_ack(tag)
                    continue
                later = functools.partial(self._ack, tag, requeue=True)
                found.append(IncomingReceipt(*named, body, functools.partial(self._ack, tag), later))
        except (pika.exceptions.AMQPError, OSError) as error:
            log.warning("archive: receipts not read (%s)", type(error).__name__)
            self.close()
        return found

    def _ack(self, tag: int, *, requeue: bool = False) -> None:
        """Acknowledges a receipt, or (`requeue`) hands it back to the queue to be read again."""
        try:
            if self._channel is not None and requeue:
                self._channel.basic_nack(tag, requeue=True)
            elif self._channel is not None:
                self._channel.basic_ack(tag)
        except (pika.exceptions.AMQPError, OSError) as error:  # redelivered later, recorded again (idempotent)
            log.warning("archive: receipt not acknowledged (%s)", type(error).__name__)
            self.close()

    def _open(self) -> Any:
        if self._connection is None or not self._connection.is_open:
            self._connection = pika.BlockingConnection(self._parameters)
            channel = self._connection.channel()
            channel.confirm_delivery()
            channel.queue_declare(self.queue, durable=True)
            channel.queue_declare(self.reply_queue, durable=True)
            self._channel = channel
        return self._channel

    def close(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None and connection.is_open:
            with contextlib.suppress(pika.exceptions.AMQPError, OSError):
                connection.close()


def _stays() -> None:
    """A receipt file not recorded yet stays where it is, to be read again."""


def _named(name: str) -> tuple[str, UUID, int] | None:
    """`<tenant>.<key>.<part>` → its parts; None for anything else."""
    pieces = name.rsplit(".", 2)
    if len(pieces) != 3 or not pieces[0] or not pieces[2].isascii() or not pieces[2].isdecimal():
        return None
    try:
        return pieces[0], UUID(pieces[1]), int(pieces[2])
    except ValueError:
        return None
