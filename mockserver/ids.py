"""Identity source: random UUIDs in normal use, a reproducible sequence with ``--seed``."""

from __future__ import annotations

import random
import uuid


class IdSource:
    """Hands out lower-case UUID v4 strings, deterministic when seeded."""

    def __init__(self, seed: int | None = None) -> None:
        self._seed = seed
        self._rng = random.Random(seed) if seed is not None else None

    def uuid(self) -> str:
        if self._rng is None:
            return str(uuid.uuid4())
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def reset(self) -> None:
        """Restart the seeded sequence, so a reset mock hands out the same ids again."""
        if self._seed is not None:
            self._rng = random.Random(self._seed)
