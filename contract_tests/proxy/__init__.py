"""The validating proxy (`orchestration-contract proxy`); imports checks, reports, transport, core.

It sits in front of a real backend, forwards every request unchanged, and judges each exchange with the
suite's own checks plus a small model of the traffic it saw (`oracle.py`).
"""
