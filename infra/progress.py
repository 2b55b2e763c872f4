"""Progress bars for long work in a terminal; one line per tenth when the output is not a terminal."""

from __future__ import annotations

import sys
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self._label = label
        self._stream = stream or sys.stderr
        self._width = width
        self._last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        fraction = 1.0 if total <= 0 else min(done / total, 1.0)
        filled = round(fraction * self._width)
        line = f"{self._label} [{'#' * filled}{'.' * (self._width - filled)}] {fraction:4.0%} ({done}/{total})"
        if self._stream.isatty():
            self._stream.write("\r" + line + ("\n" if fraction >= 1.0 else ""))
        elif int(fraction * 10) > self._last_tenth:
            self._last_tenth = int(fraction * 10)
            self._stream.write(line + "\n")
        self._stream.flush()
