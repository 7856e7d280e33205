"""Ids are RFC 4122 version-4 UUIDs; seeded sources repeat, unseeded ones do not collide."""

from __future__ import annotations

import uuid

from mockserver.core.ids import IdSource


def test_ids_are_lower_case_version_4_uuids() -> None:
    source = IdSource()
    for _ in range(1000):
        text = source.uuid()
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant, str(parsed)) == (4, uuid.RFC_4122, text)


def test_a_seed_replays_the_sequence_after_reset_and_unseeded_sources_differ() -> None:
    seeded = IdSource(7)
    first = [seeded.uuid() for _ in range(5)]
    seeded.reset()
    assert [seeded.uuid() for _ in range(5)] == first
    assert IdSource(7).uuid() == first[0]
    assert IdSource().uuid() != IdSource().uuid()
    assert len({IdSource().uuid() for _ in range(100)} | {IdSource(None).uuid() for _ in range(100)}) == 200
