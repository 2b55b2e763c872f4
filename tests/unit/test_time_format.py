"""One time format on every page: «08.12.2026 kl. 17.05», in Norwegian time, whatever zone the moment came in."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.deadlines import moment_in_norway


def test_a_moment_reads_as_norwegians_write_it_in_norwegian_time() -> None:
    assert moment_in_norway(datetime(2026, 12, 8, 16, 5, 9, tzinfo=UTC)) == "08.12.2026 kl. 17.05"
    assert moment_in_norway(datetime(2026, 7, 1, 21, 30, tzinfo=UTC)) == "01.07.2026 kl. 23.30"  # summer time
    assert moment_in_norway(datetime(2026, 12, 31, 23, 0, 0, tzinfo=UTC)) == "01.01.2027 kl. 00.00"


def test_the_access_log_keeps_its_seconds_in_the_same_format() -> None:
    assert moment_in_norway(datetime(2026, 12, 8, 16, 5, 9, tzinfo=UTC), seconds=True) == "08.12.2026 kl. 17.05.09"
