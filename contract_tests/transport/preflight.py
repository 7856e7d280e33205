"""Before a run sends anything: the server answers, and the run has the tokens it needs."""

from __future__ import annotations

import httpx

from contract_tests.core.config import Config
from contract_tests.core.errors import CouldNotRun, ServerUnreachable
from contract_tests.transport.auth import Tokens, obtain_tokens

__all__ = ["preflight"]


def preflight(config: Config) -> tuple[Tokens, int]:
    """The run's tokens, and the status the unsecured info read answered (it counts in the status coverage)."""
    service = config.service
    with httpx.Client(timeout=config.request_timeout) as client:
        try:
            info = client.get(f"{config.base_url}{service.info_path}").status_code
        except httpx.TransportError as exc:
            raise ServerUnreachable(f"{config.base_url} is unreachable: {exc}") from exc
        tokens = obtain_tokens(config, client)
        if tokens.write is None:
            probe = client.get(f"{config.base_url}{service.probe_path}")
            if probe.status_code == 401:
                raise CouldNotRun("the server requires a token: pass --token or --client-id/--client-secret")
    return tokens, info
