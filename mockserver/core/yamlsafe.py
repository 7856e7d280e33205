"""YAML from clients, parsed without the ways YAML can hurt a server.

Aliases are refused (an alias bomb expands a kilobyte into gigabytes once serialised),
and nesting too deep for the parser is a client error, not a crash.
"""

from __future__ import annotations

from typing import Any

import yaml

from mockserver.core.limits import check_depth
from mockserver.errors import ValidationError


class _NoAliasLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise ValidationError("YAML aliases are not accepted")
        return super().compose_node(parent, index)


def load_yaml(text: str | bytes, *, what: str = "YAML") -> Any:
    """Parse one YAML (or JSON) document, or raise ValidationError saying why."""
    try:
        document = yaml.load(text, Loader=_NoAliasLoader)
    except yaml.YAMLError as exc:
        raise ValidationError(f"{what} is not valid YAML or JSON: {exc}") from exc
    except RecursionError as exc:
        raise ValidationError(f"{what} is nested too deeply") from exc
    check_depth(document, what=what)
    return document
