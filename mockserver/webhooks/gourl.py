"""Go's ``net/url.Parse`` and ``URL.String``, as formancehq/webhooks v2.3.2 validates endpoints with them.

``pkg/config.go:50-52`` accepts an endpoint when ``url.Parse`` succeeds and ``u.String()`` is not
empty; ``pkg/server/get.go:59-62`` filters the list on ``u.String()`` of the query's ``endpoint``.
Both only make sense with Go's exact rules, ported here from ``net/url/url.go`` (the parsing of
the Go 1.19-1.23 line: the later releases also refuse some malformed bracketed hosts, which
the notes could not verify). Strings are handled as UTF-8 bytes, as Go does.
"""

from __future__ import annotations

from dataclasses import dataclass

_HEX = b"0123456789ABCDEF"
_HOST_OK = frozenset(b"!$&'()*+,;=:[]<>\"")
_USERINFO_OK = frozenset(b"-._:~!$&'()*+,;=%@")


class URLError(ValueError):
    """What ``url.Parse`` returns as an error (the message is Go's)."""


@dataclass(slots=True)
class URL:
    scheme: str = ""
    opaque: str = ""
    user: tuple[str, str | None] | None = None  # (username, password or None)
    host: str = ""
    path: str = ""
    raw_path: str = ""
    omit_host: bool = False
    force_query: bool = False
    raw_query: str = ""
    fragment: str = ""
    raw_fragment: str = ""

    @property
    def hostname(self) -> str:
        """The host without its port and brackets (``URL.Hostname``)."""
        host, _ = _split_host_port(self.host)
        return host

    @property
    def port(self) -> str:
        return _split_host_port(self.host)[1]

    def escaped_path(self) -> str:
        if self.raw_path and _valid_encoded(self.raw_path, "path"):
            try:
                if _unescape(self.raw_path, "path") == self.path:
                    return self.raw_path
            except URLError:
                pass
        return "*" if self.path == "*" else _escape(self.path, "path")

    def request_uri(self) -> str:
        """What Go's client writes on the request line (``URL.RequestURI``)."""
        result = self.opaque
        if not result:
            result = self.escaped_path() or "/"
        elif result.startswith("//"):
            result = self.scheme + ":" + result
        if self.force_query or self.raw_query:
            result += "?" + self.raw_query
        return result

    def string(self) -> str:
        """``URL.String``: the URL re-serialised, percent-encoding what Go encodes."""
        out = []
        if self.scheme:
            out.append(self.scheme + ":")
        if self.opaque:
            out.append(self.opaque)
        else:
            if (self.scheme or self.host or self.user is not None) and not (
                self.omit_host and not self.host and self.user is None
            ):
                if self.host or self.path or self.user is not None:
                    out.append("//")
                if self.user is not None:
                    name, password = self.user
                    user = _escape(name, "userinfo")
                    if password is not None:
                        user += ":" + _escape(password, "userinfo")
                    out.append(user + "@")
                if self.host:
                    out.append(_escape(self.host, "host"))
            path = self.escaped_path()
            if path and path[0] != "/" and self.host:
                out.append("/")
            if not out and ":" in path.split("/", 1)[0]:
                out.append("./")  # RFC 3986 §4.2: a colon in a relative path's first segment
            out.append(path)
        if self.force_query or self.raw_query:
            out.append("?" + self.raw_query)
        if self.fragment:
            fragment = self.raw_fragment
            if not (fragment and _valid_encoded(fragment, "fragment") and _unescape_ok(fragment, self.fragment)):
                fragment = _escape(self.fragment, "fragment")
            out.append("#" + fragment)
        return "".join(out)


def parse(raw: str) -> URL:
    """``url.Parse(raw)``; URLError with Go's message when it fails."""
    rest, hash_, fragment = raw.partition("#")
    url = _parse(rest)
    if hash_ and fragment:
        url.fragment = _unescape(fragment, "fragment")
        url.raw_fragment = fragment if _escape(url.fragment, "fragment") != fragment else ""
    return url


def _parse(raw: str) -> URL:
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        raise URLError("net/url: invalid control character in URL")
    url = URL()
    if raw == "*":
        url.path = "*"
        return url
    url.scheme, rest = _scheme(raw)
    url.scheme = url.scheme.lower()
    if rest.endswith("?") and rest.count("?") == 1:
        url.force_query, rest = True, rest[:-1]
    else:
        rest, _, url.raw_query = rest.partition("?")
    if not rest.startswith("/"):
        if url.scheme:
            url.opaque = rest  # rootless paths are opaque (RFC 3986)
            return url
        if ":" in rest.split("/", 1)[0]:
            raise URLError("first path segment in URL cannot contain colon")
    if (url.scheme or not rest.startswith("///")) and rest.startswith("//"):
        authority, slash, tail = rest[2:].partition("/")
        rest = slash + tail
        url.user, url.host = _authority(authority)
    elif url.scheme and rest.startswith("/"):
        url.omit_host = True
    url.path = _unescape(rest, "path")
    url.raw_path = rest if _escape(url.path, "path") != rest else ""
    return url


def _scheme(raw: str) -> tuple[str, str]:
    for i, c in enumerate(raw):
        if c.isascii() and c.isalpha():
            continue
        if c.isascii() and (c.isdigit() or c in "+-."):
            if i == 0:
                return "", raw
            continue
        if c == ":":
            if i == 0:
                raise URLError("missing protocol scheme")
            return raw[:i], raw[i + 1 :]
        return "", raw  # an invalid character: there is no scheme
    return "", raw


def _authority(authority: str) -> tuple[tuple[str, str | None] | None, str]:
    at = authority.rfind("@")
    host = _host(authority[at + 1 :] if at >= 0 else authority)
    if at < 0:
        return None, host
    userinfo = authority[:at]
    if not all((c.isascii() and c.isalnum()) or ord(c) in _USERINFO_OK for c in userinfo):
        raise URLError("net/url: invalid userinfo")
    name, colon, password = userinfo.partition(":")
    return (_unescape(name, "userinfo"), _unescape(password, "userinfo") if colon else None), host


def _host(host: str) -> str:
    if host.startswith("["):
        close = host.rfind("]")
        if close < 0:
            raise URLError("missing ']' in host")
        port = host[close + 1 :]
        if not _valid_port(port):
            raise URLError(f'invalid port "{port}" after host')
        zone = host[:close].find("%25")
        if zone >= 0:
            before, inside = _unescape(host[:zone], "host"), _unescape(host[zone:close], "zone")
            return before + inside + _unescape(host[close:], "host")
    elif (colon := host.rfind(":")) >= 0:
        port = host[colon:]
        if not _valid_port(port):
            raise URLError(f'invalid port "{port}" after host')
    return _unescape(host, "host")


def _valid_port(port: str) -> bool:
    return port == "" or (port[0] == ":" and all("0" <= c <= "9" for c in port[1:]))


def _should_escape(c: int, mode: str) -> bool:
    """``shouldEscape``: whether byte ``c`` is percent-encoded in that part of a URL."""
    if 0x61 <= c <= 0x7A or 0x41 <= c <= 0x5A or 0x30 <= c <= 0x39:
        return False
    if mode in ("host", "zone") and c in _HOST_OK:
        return False
    if c in b"-_.~":
        return False
    if c in b"$&+,/:;=?@":
        return {
            "path": c == 0x3F,
            "userinfo": c in b"@/?:",
            "query": True,
            "fragment": False,
        }.get(mode, True)
    return not (mode == "fragment" and c in b"!()*")


def _unescape(text: str, mode: str) -> str:
    data = text.encode("utf-8", "surrogateescape")
    out = bytearray()
    i = 0
    while i < len(data):
        c = data[i]
        if c == 0x25:  # %
            if i + 2 >= len(data) or not _ishex(data[i + 1]) or not _ishex(data[i + 2]):
                bad = data[i : i + 3].decode("utf-8", "surrogateescape")
                raise URLError(f'invalid URL escape "{bad}"')
            value = int(data[i + 1 : i + 3], 16)
            piece = data[i : i + 3]
            if mode == "host" and value < 0x80 and piece != b"%25":
                raise URLError(f'invalid URL escape "{piece.decode()}"')
            if mode == "zone" and piece != b"%25" and value != 0x20 and _should_escape(value, "host"):
                raise URLError(f'invalid URL escape "{piece.decode()}"')
            out.append(value)
            i += 3
            continue
        if mode in ("host", "zone") and c < 0x80 and _should_escape(c, mode):
            raise URLError(f"invalid character {chr(c)!r} in host name".replace("'", '"'))
        out.append(c)
        i += 1
    return out.decode("utf-8", "surrogateescape")


def _unescape_ok(raw: str, expected: str) -> bool:
    try:
        return _unescape(raw, "fragment") == expected
    except URLError:
        return False


def _escape(text: str, mode: str) -> str:
    out = bytearray()
    for c in text.encode("utf-8", "surrogateescape"):
        if _should_escape(c, mode):
            out += b"%" + bytes((_HEX[c >> 4], _HEX[c & 15]))
        else:
            out.append(c)
    return out.decode("ascii")


def _valid_encoded(text: str, mode: str) -> bool:
    for c in text.encode("utf-8", "surrogateescape"):
        if c in b"!$&'()*+,;=:@[]" or c == 0x25:
            continue
        if _should_escape(c, mode):
            return False
    return True


def _ishex(c: int) -> bool:
    return 0x30 <= c <= 0x39 or 0x41 <= c <= 0x46 or 0x61 <= c <= 0x66


def _split_host_port(host: str) -> tuple[str, str]:
    if host.startswith("["):
        close = host.find("]")
        return host[1:close], host[close + 2 :] if host[close + 1 : close + 2] == ":" else ""
    name, colon, port = host.rpartition(":")
    return (name, port) if colon else (host, "")
