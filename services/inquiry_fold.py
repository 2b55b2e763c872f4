"""Every inquiry of one office folded from its notification log in the process, brought up to date on each read.

Retention must judge from the events themselves (a lagging projection must never decide what is erased), and folding
3,000 inquiries one repository read at a time took seconds a page. Here the first read folds the whole log in large
pages; every later read folds only what was appended since (the log's ids commit in order: every insert locks the
table). Opened without inquiry keys: the rules that ask read no personal field.
"""

from __future__ import annotations

import threading
from typing import cast
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.utils import get_topic

from domain.inquiry import Inquiry
from services.application import FieldEncryptingMapper

PAGE = 5_000  # notifications a query


class InquiryFold:
    def __init__(self) -> None:
        self._folded: dict[UUID, Inquiry] = {}
        self._read_up_to = 0
        self._lock = threading.Lock()  # commands run in worker threads: one catch-up at a time

    def inquiries(self, app: Application[UUID]) -> list[Inquiry]:
        """Every inquiry as its events stand now (the aggregates are shared: read them, never change them)."""
        with self._lock:
            self._catch_up(app)
            return list(self._folded.values())

    def _catch_up(self, app: Application[UUID]) -> None:
        mapper = app.mapper
        if isinstance(mapper, FieldEncryptingMapper):
            mapper = FieldEncryptingMapper(mapper, mapper.keys, open_lists=False)
        received = get_topic(Inquiry.Received)
        while True:
            page = app.recorder.select_notifications(self._read_up_to + 1, PAGE)
            for notification in page:
                originator = cast(UUID, notification.originator_id)
                if notification.topic == received or originator in self._folded:
                    event = cast(Inquiry.Event, mapper.to_domain_event(notification))
                    self._folded[originator] = cast(Inquiry, event.mutate(self._folded.get(originator)))
                self._read_up_to = notification.id
            if len(page) < PAGE:
                return
