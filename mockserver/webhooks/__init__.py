"""The webhooks service (v1 API, as formancehq/webhooks v2.3.2 serves it). Imports core, errors, config.

Moto's layout, as the ledger's: ``service.py`` is the interface (one method per operation,
plus the bus listener and the pump), ``configs.py`` the configs and the recorded writes on
them, ``handlers.py`` the HTTP handlers. The release's rules live one job each: body decoding
(``gobody``, ``goscan``), URL parsing (``gourl``), validation (``rules``), the delivered body
(``envelope``), signatures (``signing``), retry delays (``backoff``). Deliveries are kept by
``deliveries`` on the mock's clock and sent by ``courier`` (async, bounded) over ``http1``,
only to hosts ``hosts`` allows; ``faults`` holds the delivery fault rules. ``receiver``
verifies deliveries the way a client does, for the pytest plugin and ``webhooks listen``.
"""
