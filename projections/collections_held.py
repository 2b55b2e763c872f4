"""Fewer garbage collections while the worker folds a batch: a batch builds hundreds of thousands of short-lived
objects (events, rows, keys) and none in a cycle, so CPython's default (a young collection every 700 new objects)
spends a fifth of a catch-up walking them. Raised while any thread is in a batch, back to what it was after.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 50_000  # new objects between young collections while held (CPython's default: 700)

_lock = threading.Lock()
_holders = 0
_before: tuple[int, ...] = ()


@contextmanager
def fewer_collections() -> Iterator[None]:
    global _holders, _before
    with _lock:
        if not _holders:
            _before = gc.get_threshold()
            gc.set_threshold(YOUNG_THRESHOLD, *_before[1:])
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if not _holders:
                gc.set_threshold(*_before)
