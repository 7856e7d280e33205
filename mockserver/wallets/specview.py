"""The wallets spec as the mock validates requests with it.

The release decodes bodies and query strings itself, with its own rules and messages
(``godecode.py``, ``requests.py``, ``paging.py``), and answers some mistakes the spec would
refuse in its own way (a 500 in ``--quirks real``). So Connexion only parses: every request
body is optional and any JSON, every query parameter but the ``metadata[...]`` filters is text.
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
        for parameter in item.get("parameters", []):
            _loosen_parameter(parameter)
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            for parameter in operation.get("parameters", []):
                _loosen_parameter(parameter)
            body = operation.get("requestBody")
            if body is not None:
                body["required"] = False
                for media in body.get("content", {}).values():
                    media["schema"] = dict(_ANY)
    return document


def _loosen_parameter(parameter: dict[str, Any]) -> None:
    if parameter.get("in") == "query" and parameter.get("style") != "deepObject":
        parameter["schema"] = {"type": "string"}
