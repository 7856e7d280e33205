"""The release's retry delays (``pkg/backoff/exponential.go:26-40``; flags ``cmd/flag/flags.go:42-50``).

Attempt ``n`` (0 for the first delivery) that fails is retried after ``min * 2**n``, capped at
``max``, unless the delays so far would add up to more than ``abort after``: then the
delivery has failed for good. No jitter. The defaults are the release's (1 min, 1 h, 30 days:
a dead endpoint is tried about 725 times); ``--webhook-min-backoff``, ``--webhook-max-backoff``
and ``--webhook-abort-after`` change them, as the release's flags do (its e2e suite runs with
1 s, 1 h and 3 s: ``pkg/testserver/server.go:75-77``).
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MIN = 60.0
DEFAULT_MAX = 3600.0
DEFAULT_ABORT_AFTER = 30 * 24 * 3600.0


@dataclass(frozen=True, slots=True)
class Backoff:
    minimum: float = DEFAULT_MIN
    maximum: float = DEFAULT_MAX
    abort_after: float = DEFAULT_ABORT_AFTER

    def delay(self, attempt: int) -> float | None:
        """Seconds before retrying after attempt ``attempt`` failed; None once it must not be retried."""
        delay = since = self.minimum
        for _ in range(attempt):
            delay = min(delay * 2, self.maximum)
            since += delay
            if since > self.abort_after:
                return None
        return None if since > self.abort_after else delay
