"""The control API under /_mock, the mock's own plane. Imports state, orchestration, core."""
