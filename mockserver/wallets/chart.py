"""The wallets' chart of accounts (formancehq/wallets v2.1.5 ``pkg/chart.go``).

Every address starts with ``wallets`` (after an optional prefix, the release's
``--account-prefix``); its segments are joined with ``:`` and then **every** ``-`` of the whole
address is removed, prefix, wallet id, balance name and hold id alike. So the address of a
wallet does not depend on the dashes of its id (``GET /wallets/<id without dashes>`` finds it),
and the balances ``foo-bar`` and ``foobar`` of one wallet are one account.
"""

from __future__ import annotations

MAIN = "main"  # pkg/chart.go: MainBalance
ROOT = "wallets"
HOLDS = "holds"


class Chart:
    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix

    def _address(self, *segments: str) -> str:
        parts = [self.prefix] if self.prefix else []
        return ":".join([*parts, ROOT, *segments]).replace("-", "")

    def main(self, wallet_id: str) -> str:
        """``wallets:<id>:main``: the wallet itself (its metadata) and its main balance."""
        return self._address(wallet_id, MAIN)

    def balance(self, wallet_id: str, name: str) -> str:
        """``wallets:<id>:<balance>``."""
        return self._address(wallet_id, name)

    def hold(self, hold_id: str) -> str:
        """``wallets:holds:<hold id>``: the account a pending debit moves the money to."""
        return self._address(HOLDS, hold_id)
