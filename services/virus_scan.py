"""What a virus scanner answers, so the attachments' rule does not depend on which scanner runs."""

from __future__ import annotations

from typing import NamedTuple, Protocol


class ScanResult(NamedTuple):
    clean: bool
    signature: str | None = None  # the scanner's name for what it found


class VirusScanner(Protocol):
    def scan(self, data: bytes) -> ScanResult: ...
