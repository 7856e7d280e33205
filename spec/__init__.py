"""The project's OpenAPI descriptions, shipped as package data."""

from pathlib import Path

SPEC_DIR = Path(__file__).resolve().parent
ORCHESTRATION_SPEC = SPEC_DIR / "orchestration.v1.yaml"
ORCHESTRATION_V2_SPEC = SPEC_DIR / "orchestration.v2.yaml"
CONTROL_SPEC = SPEC_DIR / "control.v1.yaml"
LEDGER_SPEC = SPEC_DIR / "ledger.v2.yaml"
WALLETS_SPEC = SPEC_DIR / "wallets.v1.yaml"
WEBHOOKS_SPEC = SPEC_DIR / "webhooks.v1.yaml"

__all__ = [
    "CONTROL_SPEC",
    "LEDGER_SPEC",
    "ORCHESTRATION_SPEC",
    "ORCHESTRATION_V2_SPEC",
    "SPEC_DIR",
    "WALLETS_SPEC",
    "WEBHOOKS_SPEC",
]
