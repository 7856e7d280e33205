"""The release's rules, unit by unit: URL parsing, base64, body decoding, the delivered body,
signatures and backoff, against the values /work/notes/webhooks.md measured on Go (go1.19)."""

from __future__ import annotations

import pytest

from mockserver.errors import ValidationError
from mockserver.webhooks import gourl
from mockserver.webhooks.backoff import Backoff
from mockserver.webhooks.envelope import Undeliverable, envelope, go_float
from mockserver.webhooks.gobody import STRING, STRINGS, decode_body
from mockserver.webhooks.rules import (
    ConfigUser,
    endpoint_error,
    event_type,
    go_base64_decode,
    go_lower,
    new_secret,
    query_filter,
    secret_error,
    validate_config_user,
)
from mockserver.webhooks.signing import sign, spoiled, verify

CONFIG = {"endpoint": STRING, "secret": STRING, "eventTypes": STRINGS}
SECRET = "V0bivxRWveaoz08afqjU6Ko/jwO0Cb+3"


@pytest.mark.parametrize(
    "endpoint",
    [
        "foo",
        "not a url",
        "ftp://x",
        "a:b",
        "mailto:a@b",
        "/relative",
        "//host/path",
        "localhost:8080",
        "http://x:99999",
    ],
)
def test_endpoints_go_accepts(endpoint: str) -> None:
    assert endpoint_error(endpoint) is None


@pytest.mark.parametrize(
    "endpoint",
    [
        "",
        "http://x/\n",
        "\x7fhttp://x",
        ":foo",
        "1a:b",
        "192.168.0.1:80",
        "http://host:abc",
        "http://[::1",
        "http://x/%zz",
        "http://x#%zz",
        "http://%41.com",
        "http://a b.com",
    ],
)
def test_endpoints_go_refuses(endpoint: str) -> None:
    assert endpoint_error(endpoint) == "endpoint should be a valid url"


@pytest.mark.parametrize(
    ("raw", "string"),
    [
        ("not a url", "not%20a%20url"),
        ("HTTPS://Example.COM/Path", "https://Example.COM/Path"),
        ("http://u:p@h:1/a b?q=1#f g", "http://u:p@h:1/a%20b?q=1#f%20g"),
        ("http://h/a%2Fb", "http://h/a%2Fb"),
        ("http:/only/path", "http:/only/path"),
        ("this:that", "this:that"),
        ("?", "?"),
    ],
)
def test_urls_reserialise_as_go_does(raw: str, string: str) -> None:
    assert gourl.parse(raw).string() == string


def test_request_uri_and_host_parts() -> None:
    url = gourl.parse("http://[::1]:8080/hook?x=1#frag")
    assert (url.hostname, url.port, url.request_uri()) == ("::1", "8080", "/hook?x=1")
    assert gourl.parse("http://localhost").request_uri() == "/"


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        (SECRET, None),
        ("invalid", "secret should be base64 encoded: illegal base64 data at input byte 4"),
        ("YWI", "secret should be base64 encoded: illegal base64 data at input byte 0"),
        ("YWJj", "decoded secret should be of size 24"),
        ("-" + SECRET[1:], "secret should be base64 encoded: illegal base64 data at input byte 0"),
        (" " + SECRET, "secret should be base64 encoded: illegal base64 data at input byte 0"),
        (SECRET[:10] + "\n" + SECRET[10:], None),  # Go skips \r and \n
        (SECRET[:-2] + "==", "decoded secret should be of size 24"),
        ("YQ==YQ==", "secret should be base64 encoded: illegal base64 data at input byte 4"),
    ],
)
def test_secrets_are_checked_with_gos_base64(secret: str, problem: str | None) -> None:
    assert secret_error(secret) == problem


def test_base64_padding_rules() -> None:
    assert go_base64_decode(b"YQ==") == b"a"
    assert go_base64_decode(b"YWI=") == b"ab"
    with pytest.raises(ValueError, match="byte 3"):  # not enough padding: Go names the end
        go_base64_decode(b"YQ=")
    with pytest.raises(ValueError, match="byte 1"):
        go_base64_decode(b"Y===")


def test_generated_secrets_are_32_base64_characters_of_24_bytes() -> None:
    draws = iter(["a", "b", "c", "d"])
    secret = new_secret(lambda: next(draws))
    assert len(secret) == 32 and "=" not in secret and secret_error(secret) is None


def test_config_validation_order_and_normalisation() -> None:
    user = ConfigUser("http://localhost/h", "", ["A", " B ", "a", "İ"])
    validate_config_user(user)
    assert user.event_types == ["a", " b ", "a", "i"]  # lower-cased, not trimmed, duplicates kept
    for bad, message in [
        (ConfigUser("", "invalid", []), "endpoint should be a valid url"),  # endpoint first
        (ConfigUser("x", "invalid", []), "secret should be base64 encoded"),  # then the secret
        (ConfigUser("x", "", []), "eventTypes should be filled"),
        (ConfigUser("x", "", None), "eventTypes should be filled"),
        (ConfigUser("x", "", ["a", ""]), "eventTypes should be filled"),
    ]:
        with pytest.raises(ValidationError, match=message) as caught:
            validate_config_user(bad)
        assert caught.value.message.startswith("invalid config: ")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"endpoint":"x",}', "Request body contains badly-formed JSON (at position 17)"),
        (b'{"endpoint":', "Request body contains badly-formed JSON"),
        (b'{"endpoint":1}', 'Request body contains an invalid value for the "endpoint" field (at position 13)'),
        (b'{"eventTypes":"a"}', 'Request body contains an invalid value for the "eventTypes" field (at position 17)'),
        (b'{"eventTypes":[1]}', 'Request body contains an invalid value for the "eventTypes" field (at position 16)'),
        (b"[]", 'Request body contains an invalid value for the "" field (at position 1)'),
        (b'"str"', 'Request body contains an invalid value for the "" field (at position 5)'),
        (b'{"name":"x"}', 'Request body contains unknown field "name"'),
        (b'{"x":1,"endpoint":2}', 'Request body contains unknown field "x"'),
        (b"", "Request body must not be empty"),
        (b" \n\t", "Request body must not be empty"),
        (b"{} {}", "Request body must only contain a single JSON object"),
        (b"{}x", "Request body must only contain a single JSON object"),
        (b'{"a\\nb":1}', 'Request body contains unknown field "a\\nb"'),
    ],
)
def test_body_decoding_messages_are_the_releases(body: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        decode_body(body, CONFIG, "application/json")
    assert caught.value.message == message


def test_body_decoding_follows_gos_encoding_json() -> None:
    decoded = decode_body(
        b'{"ENDPOINT":"a","EventTYPES":["A"],"endpoint":"b","secret":null}', CONFIG, "application/json"
    )
    assert decoded == {"endpoint": "b", "secret": "", "eventTypes": ["A"]}
    assert decode_body(b"null", CONFIG, "application/json") == {"endpoint": "", "secret": "", "eventTypes": None}
    assert decode_body(b'{"eventTypes":["a","b"],"eventTypes":[null]}', CONFIG, "application/json") == {
        "endpoint": "",
        "secret": "",
        "eventTypes": ["a"],  # Go decodes into the existing slice: null keeps element 0
    }
    assert decode_body(b'{"endpoint":"\\ud800\\ud83d\\ude00"}', CONFIG, "application/json")["endpoint"] == "\ufffd😀"
    assert decode_body(b"", {"secret": STRING}, None, allow_empty=True) is None


def test_the_content_type_is_checked_last_and_exactly() -> None:
    for content_type in (None, "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain"):
        with pytest.raises(ValidationError, match=r"^Content-Type header should be application/json$"):
            decode_body(b"{}", CONFIG, content_type)
    with pytest.raises(ValidationError, match="unknown field"):  # the body's own error wins
        decode_body(b'{"k":1}', CONFIG, "text/plain")


def test_event_types_are_app_dot_type_lower_cased() -> None:
    assert event_type("Ledger", "COMMITTED_TRANSACTIONS") == "ledger.committed_transactions"
    assert event_type("", "FOO") == "foo"
    assert go_lower("İ") == "i"


def test_the_list_filter_takes_id_and_endpoint_once() -> None:
    assert query_filter(b"") == {}
    assert query_filter(b"id=abc&endpoint=HTTPS://X.com/a") == {"id": "abc", "endpoint": "https://X.com/a"}
    assert query_filter(b"id=a;b") == {}  # Go drops a pair with a semicolon
    assert query_filter(b"id=") == {"id": ""}
    for bad in (b"cursor=x", b"pageSize=1", b"ID=1", b"id=a&id=b", b"endpoint=%3Afoo"):
        with pytest.raises(ValidationError, match=r"^invalid params: only 'id' and 'endpoint'"):
            query_filter(bad)


def test_the_delivered_body_is_the_releases_re_encoding() -> None:
    bare = envelope({"type": "foo"})
    assert bare.type == "foo"
    assert bare.body == (
        b'{"idempotency_key":"","date":"0001-01-01T00:00:00Z","app":"","version":"","type":"foo","payload":null}'
    )
    event = {
        "ledger": "dropped",
        "version": "v2",
        "app": "Ledger",
        "type": "COMMITTED_TRANSACTIONS",
        "date": "2024-01-02T03:04:05.120000Z",
        "idempotency_key": "ik-1",
        "payload": {
            "z": 12345678901234567890,
            "a": "<&>\u2028",
            "n": [1.0, 1e21, -1e-7, None, True],
            "m": {"b": 1, "a": 2},
        },
    }
    built = envelope(event)
    assert built.type == "ledger.committed_transactions" and built.idempotency_key == "ik-1"
    assert built.body == (
        b'{"idempotency_key":"ik-1","date":"2024-01-02T03:04:05.12Z","app":"Ledger","version":"v2",'
        b'"type":"ledger.committed_transactions","payload":{"a":"\\u003c\\u0026\\u003e\\u2028",'
        b'"m":{"a":2,"b":1},"n":[1,1e+21,-1e-7,null,true],"z":12345678901234567000}}'
    )
    with pytest.raises(Undeliverable):
        envelope({"type": 1})
    with pytest.raises(Undeliverable):
        envelope({"type": "x", "date": "2024-01-02"})


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1e20, "100000000000000000000"),
        (9007199254740993, "9007199254740992"),
        (1e2, "100"),
        (-0.0, "-0"),
        (1e-6, "0.000001"),
    ],
)
def test_numbers_go_through_float64(number: float, text: str) -> None:
    assert go_float(number) == text


def test_signature_test_vector() -> None:
    signature = sign("msg_1", 1700000000, SECRET, b'{"data":"test"}')
    assert signature == "v1,HjH/yID4QAfs43xBlRyhWP+ohE2Zd5x/Vqtls4QpYsw="  # the raw text is the key, not decoded
    assert verify("v0,xyz " + signature, "msg_1", 1700000000, SECRET, b'{"data":"test"}')
    assert not verify(spoiled(signature), "msg_1", 1700000000, SECRET, b'{"data":"test"}')
    assert not verify(signature, "msg_1", 1700000001, SECRET, b'{"data":"test"}')


def test_backoff_is_the_releases() -> None:
    default = Backoff()
    assert [default.delay(n) for n in range(8)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert default.delay(723) == 3600 and default.delay(724) is None  # about 725 attempts over 30 days
    e2e = Backoff(1, 3600, 3)  # pkg/testserver/server.go:75-77
    assert (e2e.delay(0), e2e.delay(1), e2e.delay(2)) == (1, 2, None)
