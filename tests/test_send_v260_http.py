"""flows v2.6.0's send shapes through the HTTP API: stage histories (checked against the spec), the ledger
API, the payments side (``GET /_mock/transfer-initiations``), and a negative amount in spec mode.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support import Api

BANK = {
    "ledgers": {
        "main": {"accounts": {"users:1": {"balances": {"USD": 100}, "metadata": {"wiseRecipientID": "recipient-1"}}}}
    }
}
PAYOUT = {
    "send": {
        "source": {
            "account": {
                "id": "users:1",
                "ledger": "main",
                "throughAccount": "liabilities:payouts",
                # Creation resolves the stage with no variables, so a "${var}" here is refused there
                # (flows v2.6.0 reads "" as no bool): the value must be written out.
                "allowOverdraft": True,
            }
        },
        "destination": {
            "payment": {"psp": "${psp}", "type": "${kind}", "sourceAccount": "wise-main", "metadata": "wiseRecipientID"}
        },
        "amount": {"amount": "${amount}", "asset": "USD"},
    }
}


def _run(api: Api, prefix: str, stage: dict[str, Any], variables: dict[str, str]) -> dict[str, Any]:
    workflow = api.post(f"{prefix}/workflows", json={"stages": [stage]})
    assert workflow.status_code == 201, workflow.text
    run = api.post(f"{prefix}/workflows/{workflow.json()['data']['id']}/instances?wait=true", json=variables)
    assert run.status_code == 201, run.text
    return run.json()["data"]


@pytest.mark.parametrize("prefix", ["", "/v2"])
def test_a_payout_with_overdraft_books_on_the_ledger_and_initiates_the_transfer(
    api: Api, control: httpx.Client, ledger: httpx.Client, prefix: str
) -> None:
    assert control.post("/fixtures", json=BANK).status_code == 201
    variables = {"psp": "wise", "kind": "PAYOUT", "amount": "250"}
    run = _run(api, prefix, PAYOUT, variables)
    assert run["terminated"] is True and "error" not in run
    history = api.get(f"{prefix}/instances/{run['id']}/history").json()["data"]
    assert history[0]["input"]["source"]["account"]["allowOverdraft"] is True
    assert history[0]["input"]["destination"]["payment"]["type"] == "PAYOUT"
    entries = api.get(f"{prefix}/instances/{run['id']}/stages/0/history").json()["data"]
    assert [e["name"] for e in entries] == ["GetAccount", "CreateTransaction", "CreateTransferInitiation"]
    plain = entries[1]["input"]["CreateTransaction"]["data"]["script"]["plain"]
    assert (
        plain
        == "send [USD 250] (\n  source = @users:1 allowing unbounded overdraft\n  destination = @liabilities:payouts\n)"
    )
    assert "output" not in entries[2]
    # The ledger API shows the booking, the overdraft included.
    accounts = ledger.get("/v2/main/accounts/users:1", params={"expand": "volumes"}).json()["data"]
    assert accounts["volumes"]["USD"]["balance"] == -150
    (initiated,) = control.get("/transfer-initiations").json()["data"]
    assert (initiated["provider"], initiated["type"], initiated["sourceAccountID"]) == ("WISE", "PAYOUT", "wise-main")
    assert initiated["destinationAccountID"] == "recipient-1" and initiated["amount"] == 250


def test_spec_mode_refuses_an_unknown_type_at_creation_and_at_run_time(api: Api) -> None:
    literal = {"send": {**PAYOUT["send"], "destination": {"payment": {"psp": "wise", "type": "payout"}}}}
    refused = api.post("/workflows", json={"stages": [literal]})
    assert refused.status_code == 400 and refused.json()["errorCode"] == "VALIDATION"
    run = _run(api, "", PAYOUT, {"psp": "wise", "kind": "REFUND", "amount": "1"})
    variable = {"send": {**PAYOUT["send"], "source": {"account": {"id": "users:1", "allowOverdraft": "${x}"}}}}
    assert api.post("/workflows", json={"stages": [variable]}).status_code == 400
    assert run["error"].endswith("failed on the 'oneof' tag")
    assert api.get(f"/instances/{run['id']}/history").json()["data"] == []


@pytest.mark.parametrize("prefix", ["", "/v2"])
def test_a_negative_amount_fails_the_stage_with_the_ledgers_error(api: Api, control: httpx.Client, prefix: str) -> None:
    stage = {
        "send": {
            "source": {"account": {"id": "world", "ledger": "main"}},
            "destination": {"account": {"id": "bank", "ledger": "main"}},
            "amount": {"amount": -5, "asset": "USD"},
        }
    }
    run = _run(api, prefix, stage, {})
    assert run["terminated"] is True and run["status"][0]["error"] == "negative amount"
    read = api.get(f"{prefix}/instances/{run['id']}").json()["data"]
    assert read["error"] == "negative amount"
    assert api.get(f"{prefix}/instances/{run['id']}/history").json()["data"][0]["error"] == "activity error"
    (entry,) = api.get(f"{prefix}/instances/{run['id']}/stages/0/history").json()["data"]
    assert (
        entry["error"] == "negative amount"
        and entry["input"]["CreateTransaction"]["data"]["postings"][0]["amount"] == -5
    )
    events = [e["type"] for e in control.get("/events", params={"instance_id": run["id"]}).json()["data"]]
    assert events[-2:] == ["FAILED_WORKFLOW_STAGE", "FAILED_WORKFLOW"]
