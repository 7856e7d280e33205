"""Timestamps are written as Go's RFC3339Nano writes them: UTC, Z, trailing zeros trimmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mockserver.core.timefmt import rfc3339


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        (datetime(2026, 11, 29, 11, 14, 51, 854705, tzinfo=UTC), "2026-11-29T11:14:51.854705Z"),
        (datetime(2026, 11, 29, 11, 14, 51, 850000, tzinfo=UTC), "2026-11-29T11:14:51.85Z"),
        (datetime(2026, 11, 29, 11, 14, 51, tzinfo=UTC), "2026-11-29T11:14:51Z"),
        (datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC), "2026-01-02T03:04:05.000006Z"),
        (datetime(82, 3, 26, 17, 31, 32, tzinfo=UTC), "0082-03-26T17:31:32Z"),  # four-digit years, as Go
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))), "2026-01-02T01:04:05Z"),  # to UTC
    ],
)
def test_rfc3339(instant: datetime, text: str) -> None:
    assert rfc3339(instant) == text
