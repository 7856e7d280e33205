"""Handlers of each API version and of the control API, and the presenters. Imports state, engine, domain, core."""
