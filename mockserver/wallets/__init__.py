"""The wallets service (formancehq/wallets v2.1.5); imports the ledger service, numscript, core, errors, config.

Wallets are kept in the ledger, as the release keeps them: a wallet owns nothing of its own, its
balances, holds and movements are accounts, metadata and transactions of one ledger
(``wallets-002`` by default), written and read through the ledger service's interface
(``mockserver/ledger/service.py``) exactly as the release calls the ledger's HTTP API.
``service.py`` is the interface, one method per operation, JSON in and out; its parts live
beside it, one job each (chart of accounts, metadata keys, Numscript templates, requests,
ledger calls, records, lists, holds, fixtures).
"""
