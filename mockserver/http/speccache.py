"""The parsed specs, cached as JSON under the user's cache directory.

Building the Python objects of the two YAML specs takes ~35 ms even with libyaml, most of
what the app does at start-up; reading the same document back as JSON takes under 1 ms.
The cache file is named by the SHA-256 of the YAML text, so an edited or upgraded spec is
parsed again, and a document JSON cannot carry exactly (a YAML date, an integer beyond 64
bits) is never cached. Any problem with the cache (unwritable, corrupt) means a parse.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import orjson
import yaml

from mockserver.core.atomicfile import write_atomically

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "orchestration-mock"


def load_spec(path: Path) -> dict[str, Any]:
    raw = Path(path).read_bytes()
    try:
        cached: Path | None = cache_dir() / f"{Path(path).stem}-{hashlib.sha256(raw).hexdigest()[:32]}.json"
        return orjson.loads(cached.read_bytes())
    except RuntimeError:  # no home directory to cache in
        cached = None
    except (OSError, orjson.JSONDecodeError):
        pass
    document = yaml.load(raw, Loader=_LOADER)
    try:
        text = orjson.dumps(document)
        if cached is not None and orjson.loads(text) == document:
            cached.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(cached, text)
    except (OSError, TypeError, orjson.JSONEncodeError):
        pass
    return document
