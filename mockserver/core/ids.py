"""Identity source: random UUIDs in normal use, a reproducible sequence with ``--seed``."""

from __future__ import annotations

import random

_VERSION_4 = 4 << 76
_VARIANT_RFC4122 = 0x8000 << 48
_FIXED_BITS = (0xF000 << 64) | (0xC000 << 48)


class IdSource:
    """Hands out lower-case UUID v4 strings, deterministic when seeded.

    Unseeded, the generator is seeded from the OS once: ids must be unique, not secret, and
    ``uuid.uuid4()`` costs a system call and a UUID object per id (5% of a workflow POST).
    """

    def __init__(self, seed: int | None = None) -> None:
        self._seed = seed
        self._rng = random.Random(seed)

    def uuid(self) -> str:
        bits = (self._rng.getrandbits(128) & ~_FIXED_BITS) | _VERSION_4 | _VARIANT_RFC4122
        text = f"{bits:032x}"
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"

    def reset(self) -> None:
        """Restart the seeded sequence, so a reset mock hands out the same ids again."""
        if self._seed is not None:
            self._rng = random.Random(self._seed)
