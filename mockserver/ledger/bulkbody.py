"""A bulk's body, decoded as formancehq/ledger v2.4.6 decodes it (``internal/api/bulking/``).

Three content types (``internal/api/v2/routes.go``): ``application/json`` (an array of
elements; the default when none is sent), ``...bulk+json-stream`` (the same elements one after
the other) and ``...bulk+script-stream`` (Numscript blocks between ``//script [ik=KEY]`` and
``//end``, each a CREATE_TRANSACTION). An element is ``{"action", "ik", "data"}``; decoding it
checks the JSON types of ``data`` for its action (``elements.go``), so a type mistake anywhere,
or an unknown action, refuses the whole bulk (400 VALIDATION, before anything runs). Posting
rules (``Postings.Validate``) and metadata targets are checked per element when it runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from mockserver.ledger import gojson
from mockserver.ledger.chart import go_kind
from mockserver.ledger.errors import validation

JSON = "application/json"
JSON_STREAM = "application/vnd.formance.ledger.api.v2.bulk+json-stream"
SCRIPT_STREAM = "application/vnd.formance.ledger.api.v2.bulk+script-stream"
CONTENT_TYPES = (JSON, JSON_STREAM, SCRIPT_STREAM)
CREATE, ADD_METADATA, REVERT, DELETE_METADATA = (
    "CREATE_TRANSACTION",
    "ADD_METADATA",
    "REVERT_TRANSACTION",
    "DELETE_METADATA",
)
# action -> {field: (JSON kinds accepted, Go struct name, Go type)}; null is always accepted
_FIELDS: dict[str, tuple[str, dict[str, tuple[tuple[str, ...], str]]]] = {
    CREATE: (
        "TransactionRequest",
        {
            "postings": (("array",), "ledger.Postings"),
            "script": (("object",), "ledgercontroller.ScriptV1"),
            "timestamp": (("string",), "time.Time"),
            "reference": (("string",), "string"),
            "metadata": (("object",), "metadata.Metadata"),
            "accountMetadata": (("object",), "map[string]metadata.Metadata"),
            "runtime": (("string",), "ledger.RuntimeType"),
            "force": (("bool",), "bool"),
        },
    ),
    ADD_METADATA: (
        "AddMetadataRequest",
        {"targetType": (("string",), "string"), "metadata": (("object",), "metadata.Metadata")},
    ),
    REVERT: (
        "RevertTransactionRequest",
        {
            "id": (("number",), "uint64"),
            "force": (("bool",), "bool"),
            "atEffectiveDate": (("bool",), "bool"),
            "metadata": (("object",), "metadata.Metadata"),
        },
    ),
    DELETE_METADATA: ("DeleteMetadataRequest", {"targetType": (("string",), "string"), "key": (("string",), "string")}),
}


@dataclass(frozen=True, slots=True)
class Element:
    action: str
    ik: str
    data: dict[str, Any]


def media_type(content_type: str | None) -> str:
    """The bulk's media type: ``application/json`` when none is sent, parameters dropped."""
    return (content_type or JSON).split(";")[0].strip() or JSON


def decode(body: Any, content_type: str) -> list[Element]:
    """Every element of the body, or 400 VALIDATION (``unsupported content type: ...`` too)."""
    if content_type == JSON:
        if body is None or isinstance(body, bytes | str):
            body = _json(body or "")
        if not isinstance(body, list):
            raise validation(f"json: cannot unmarshal {go_kind(body)} into Go value of type []bulking.BulkElement")
        return [element(item) for item in body]
    if content_type == JSON_STREAM:
        return [element(item) for item in _json_stream(body)]
    if content_type == SCRIPT_STREAM:
        return _script_stream(_text(body))
    raise validation(f"unsupported content type: {content_type}")


def _text(body: Any) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    if isinstance(body, str):
        return body
    return orjson.dumps(body).decode()  # a client that sent JSON under a stream type


def _json(raw: bytes | str) -> Any:
    if not raw.strip():
        raise validation("EOF")  # what Go's decoder says of an empty body
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise validation(f"invalid character in the bulk: {exc}") from None


def _json_stream(body: Any) -> list[Any]:
    """Concatenated JSON values (whitespace between them), as ``json.Decoder`` reads them."""
    if isinstance(body, list):  # already decoded: a single array cannot be a stream of elements
        raise validation("json: cannot unmarshal array into Go value of type bulking.BulkElement")
    if isinstance(body, dict):
        return [body]
    try:
        return list(gojson.stream(_text(body)))
    except ValueError as exc:
        raise validation(f"invalid character in the bulk stream: {exc}") from None


def _script_stream(text: str) -> list[Element]:
    """``text_stream.go``: ``//script [ik=KEY]`` opens a block, ``//end`` (or the end) closes it."""
    out: list[Element] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        header = lines[index].strip()
        index += 1
        if not header:
            continue
        if not header.startswith("//script"):
            raise validation(f"invalid header: expected //script, got '{header}'")
        ik = ""
        for pair in header[len("//script") :].split():
            key, _, value = pair.partition("=")
            if key != "ik":
                raise validation(f"invalid header, key '{key}' not recognized")
            ik = value
        script = []
        while index < len(lines) and lines[index].strip() != "//end":
            script.append(lines[index])
            index += 1
        index += 1
        plain = "\n".join(script)
        out.append(Element(CREATE, ik, {"script": {"plain": plain, "vars": {}}}))
    return out


def element(item: Any) -> Element:
    """``BulkElement.UnmarshalJSON``: the action picks the type ``data`` must decode into."""
    if not isinstance(item, dict):
        raise validation(f"json: cannot unmarshal {go_kind(item)} into Go value of type bulking.BulkElement")
    action, ik, data = item.get("action"), item.get("ik"), item.get("data")
    if not isinstance(action, str | type(None)) or not isinstance(ik, str | type(None)):
        raise validation("json: cannot unmarshal the element: action and ik are strings")
    if action not in _FIELDS:
        raise validation("error parsing element: json: Unmarshal(nil)")
    struct, fields = _FIELDS[action]
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise validation(
            f"error parsing element: json: cannot unmarshal {go_kind(data)} into Go value of type bulking.{struct}"
        )
    for name, (kinds, go_type) in fields.items():
        value = data.get(name)
        if value is not None and go_kind(value) not in kinds:
            raise validation(
                f"error parsing element: json: cannot unmarshal {go_kind(value)} "
                f"into Go struct field {struct}.{name} of type {go_type}"
            )
        maps = [value] if go_type == "metadata.Metadata" else []
        if go_type == "map[string]metadata.Metadata":
            maps = [inner for inner in (value or {}).values() if inner is not None]
            if any(not isinstance(inner, dict) for inner in maps):
                raise validation(f"error parsing element: json: cannot unmarshal into Go struct field {struct}.{name}")
        for values in maps:
            wrong = next((v for v in (values or {}).values() if not isinstance(v, str)), None)
            if wrong is not None:
                raise validation(
                    f"error parsing element: json: cannot unmarshal {go_kind(wrong)} "
                    f"into Go struct field {struct}.{name} of type string"
                )
    if action == REVERT and not _uint(data.get("id", 0)):
        raise validation(
            f"error parsing element: json: cannot unmarshal number {data.get('id')} "
            f"into Go struct field {struct}.id of type uint64"
        )
    return Element(action, ik or "", data)


def _uint(value: Any) -> bool:
    return value is None or (isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**64)
