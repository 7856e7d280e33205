"""The ASGI edge: gateway, bodies, auth and tokens, fast path, error mapping, access log. Imports state, core."""
