"""The wallets spec as the mock validates requests with it.

The release decodes bodies and query strings itself, with its own rules and messages
(``godecode.py``, ``requests.py``, ``paging.py``), and answers some mistakes the spec would
refuse in its own way (a 500 in ``--quirks real``). So Connexion only parses: every request
body is optional and any JSON, every query parameter is text, and the ``metadata[...]`` filters
are not declared at all (the handlers read them from the raw query string: Connexion's
deepObject parsing fails on ``metadata=1&metadata[a]=``).
The document served (Swagger UI, ``openapi.json``) keeps its descriptions and examples.
"""

from __future__ import annotations

import copy
from typing import Any

_METHODS = ("get", "put", "post", "delete", "patch")
_ANY = {"nullable": True, "description": "Decoded by the service, as the release decodes it (see the operation)."}


def as_validated(document: dict[str, Any]) -> dict[str, Any]:
    document = copy.deepcopy(document)
    parameters = document.get("components", {}).get("parameters", {})
    for parameter in parameters.values():
        _loosen_parameter(parameter)
    for item in document["paths"].values():
        if not isinstance(item, dict) or "statusCodes" in item:
            continue
        item["parameters"] = _kept(document, item.get("parameters", []))
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation["parameters"] = _kept(document, operation.get("parameters", []))
            for parameter in operation["parameters"]:
                _loosen_parameter(parameter)
            body = operation.get("requestBody")
            if body is not None:
                body["required"] = False
                for media in body.get("content", {}).values():
                    media["schema"] = dict(_ANY)
    return document


def _kept(document: dict[str, Any], parameters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The parameters but the deepObject ones (which the handlers read from the raw query)."""
    kept = []
    for parameter in parameters:
        resolved = parameter
        if "$ref" in parameter:
            resolved = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if resolved.get("style") != "deepObject":
            kept.append(parameter)
    return kept


def _loosen_parameter(parameter: dict[str, Any]) -> None:
    if parameter.get("in") == "query":
        parameter["schema"] = {"type": "string"}
