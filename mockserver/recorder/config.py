"""What to record, from where, with which credentials: one frozen, checked object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

GATEWAY_PREFIX = "/api/orchestration"
TOKEN_PATH = "/api/auth/oauth/token"
MAX_PAGE_SIZE = 1000  # the spec's v2 limit


def default_token_url(api_root: str) -> str:
    """The stack's token endpoint beside the API: a Formance gateway serves the API under
    ``/api/orchestration`` and the auth service under ``/api/auth``; a service called at its
    root gets the same path on its origin (as this mock serves it)."""
    parts = urlsplit(api_root)
    path = parts.path.rstrip("/")
    prefix = path[: -len(GATEWAY_PREFIX)] if path.endswith(GATEWAY_PREFIX) else ""
    return f"{parts.scheme}://{parts.netloc}{prefix}{TOKEN_PATH}"


@dataclass(frozen=True, slots=True)
class RecordConfig:
    """``api_root`` is where v1 lives (``/workflows``); v2 is under ``api_root + "/v2"``.

    Credentials: a bearer ``token``, or a ``client_id`` and ``client_secret`` exchanged at
    ``token_url`` (default: ``default_token_url(api_root)``) for one, never both.
    """

    api_root: str
    api: Literal["v1", "v2"] = "v1"
    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_url: str | None = None
    instances: bool = False
    # Also record every ledger of the stack's ledger API (at ``ledger_root``, default beside the API).
    ledgers: bool = False
    ledger_root: str | None = None
    output: Path | None = None
    page_size: int = 100
    timeout: float = 10.0

    def __post_init__(self) -> None:
        parts = urlsplit(self.api_root)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"API root must be an http(s) URL, not {self.api_root!r}")
        object.__setattr__(self, "api_root", self.api_root.rstrip("/"))
        if self.api not in ("v1", "v2"):
            raise ValueError(f"api must be v1 or v2, not {self.api!r}")
        with_client = self.client_id is not None or self.client_secret is not None
        if (self.token is not None) == with_client:
            raise ValueError("give either a token or a client id and secret")
        if with_client and (not self.client_id or self.client_secret is None):
            raise ValueError("a client id needs its client secret (and the other way round)")
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page size must be 1..{MAX_PAGE_SIZE}, not {self.page_size}")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")

    @property
    def resolved_token_url(self) -> str:
        return self.token_url or default_token_url(self.api_root)

    @property
    def base(self) -> str:
        """Where the chosen API version's paths start."""
        return self.api_root + ("/v2" if self.api == "v2" else "")
