"""Where the mock may deliver: loopback hosts only, unless ``--webhook-hosts`` allows more.

The release posts to whatever a config names; a mock that did so would be a way into any
network it can reach (SSRF). So a config whose ``http(s)`` endpoint names another host is
refused with 400 when it is created or updated, and every delivery checks again what the
name resolves to: a name allowed because it is loopback (``localhost``, ``*.localhost``) must
resolve to loopback addresses only. A pattern of ``--webhook-hosts`` is a host name pattern
(``*.internal``, ``hooks.example.com``, ``*`` for any) or an IP network (``10.0.0.0/8``).
"""

from __future__ import annotations

import asyncio
import fnmatch
import ipaddress
import socket

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class HostRefused(Exception):
    """The host is not one the mock delivers to."""


class HostPolicy:
    def __init__(self, patterns: tuple[str, ...] = ()) -> None:
        self.patterns = patterns
        self._names: list[str] = []
        self._networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for pattern in patterns:
            try:
                self._networks.append(ipaddress.ip_network(pattern, strict=False))
            except ValueError:
                self._names.append(pattern.lower())

    def refusal(self, host: str) -> str | None:
        """Why ``host`` (a URL's host name) is refused, or None when it is allowed."""
        if self._by_default(host) or self._by_pattern(host):
            return None
        return (
            f"endpoint host {host!r} is not allowed: the mock delivers to loopback hosts only"
            " (start it with --webhook-hosts to allow more)"
        )

    async def addresses(self, host: str, port: int) -> list[str]:
        """The addresses to connect to for ``host``; HostRefused when it must not be reached."""
        if self.refusal(host) is not None:
            raise HostRefused(f"host {host!r} is not allowed (--webhook-hosts)")
        literal = _ip(host)
        if literal is not None:
            return [str(literal)]
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        found = list(dict.fromkeys(str(info[4][0]) for info in infos))
        if not self._by_pattern(host) and not all(_loopback(_ip(a)) for a in found):
            raise HostRefused(f"host {host!r} resolves to a non-loopback address")
        return found

    def _by_default(self, host: str) -> bool:
        literal = _ip(host)
        if literal is not None:
            return _loopback(literal)
        name = host.lower().rstrip(".")
        return name == "localhost" or name.endswith(".localhost")

    def _by_pattern(self, host: str) -> bool:
        literal = _ip(host)
        if literal is not None and any(literal in net for net in self._networks):
            return True
        name = host.lower().rstrip(".")
        return any(fnmatch.fnmatchcase(name, pattern) for pattern in self._names)


def _ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None


def _loopback(address: IPAddress | None) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address is not None and address.is_loopback
