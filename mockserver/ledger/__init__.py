"""The ledger service (v2 API, as formancehq/ledger v2.4.6 serves it). Imports numscript, core, config, errors.

Moto's layout for one service: ``service.py`` is the interface (one method per operation,
JSON in, JSON out), which the HTTP handlers and the other services of the stack call alike;
``book.py`` holds one ledger's records; ``system.py`` the ledgers themselves; the rest are
the rules one job each (postings, volumes, logs, idempotency, events).
"""
