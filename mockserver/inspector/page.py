"""Server-side HTML of the inspector: the page, and each live section as a fragment.

Every value shown comes from the snapshot and goes through ``esc`` (workflow names, event
names, payloads and metadata are whatever API clients sent). The page carries no inline
script or style, so the Content-Security-Policy can forbid both: an escaping slip would
still not run. ``inspector.js`` swaps in fresh fragments from ``state.json``.
"""

from __future__ import annotations

from typing import Any

from mockserver.inspector.forms import ACTIONS_PANEL, instance_actions
from mockserver.inspector.markup import esc

SECTIONS = ("clock", "instances", "workflows", "triggers", "bank", "webhooks", "faults", "events", "requests")


def render_sections(state: dict[str, Any]) -> dict[str, str]:
    renderers = {
        "clock": _clock,
        "instances": _instances,
        "workflows": _workflows,
        "triggers": _triggers,
        "bank": _bank,
        "webhooks": _webhooks,
        "faults": _faults,
        "events": _events,
        "requests": _requests,
    }
    return {name: renderers[name](state) for name in SECTIONS}


def render_page(state: dict[str, Any]) -> str:
    parts = render_sections(state)
    live = "".join(f'<section id="{name}" class="live">{parts[name]}</section>' for name in SECTIONS[1:])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Orchestration mock - state inspector</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="static/inspector.css">
<script src="static/inspector.js" defer></script>
</head>
<body>
<header>
<h1>Orchestration mock <small>state inspector</small></h1>
{_tenant_picker(state)}
<div id="clock" class="live">{parts["clock"]}</div>
<output id="status" role="status" aria-live="polite"></output>
</header>
<main>
{ACTIONS_PANEL}
{live}
</main>
</body>
</html>
"""


def _table(headers: list[str], rows: list[str], empty: str) -> str:
    if not rows:
        return f'<p class="empty">{esc(empty)}</p>'
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _cells(*values: str) -> str:
    """Cells whose values are already HTML (escaped by the caller)."""
    return "".join(f"<td>{v}</td>" for v in values)


def _code(value: Any) -> str:
    return f"<code>{esc(value)}</code>"


def _tenant_picker(state: dict[str, Any]) -> str:
    """With ``--tenancy client``: which tenant this page shows, and a way to switch (a GET form,
    so the page's URL names the tenant and its polls and actions follow it)."""
    tenancy = state.get("tenancy")
    if tenancy is None:
        return ""
    current = tenancy["tenant"]
    options = ['<option value=""' + (" selected" if not current else "") + ">default tenant</option>"]
    for tenant in tenancy["tenants"]:
        chosen = " selected" if tenant == current else ""
        options.append(f'<option value="{esc(tenant)}"{chosen}>{esc(tenant)}</option>')
    return (
        '<form id="tenant" method="get" action="">'
        '<label>tenant <select name="tenant">' + "".join(options) + "</select></label>"
        '<button type="submit">show</button></form>'
    )


def _clock(state: dict[str, Any]) -> str:
    clock, counts = state["clock"], state["counts"]
    summary = " · ".join(f"{esc(n)} {esc(kind)}" for kind, n in counts.items())
    return (
        f'<span class="clock">mock clock <time id="now">{esc(clock["now"])}</time> '
        f'({esc(clock["mode"])}, {esc(state["quirks"])} mode)</span> <span class="counts">{summary}</span>'
    )


def _instances(state: dict[str, Any]) -> str:
    rows = []
    for item in state["instances"]:
        stages = "".join(
            f'<li class="stage {esc(s["state"])}" title="{esc(s.get("error") or s["label"])}">'
            f"<b>#{esc(s['number'])} {esc(s['kind'])}</b> {esc(s['label'])}{_retry_detail(s)}</li>"
            for s in item["stages"]
        )
        rows.append(
            f'<tr data-instance="{esc(item["id"])}" data-state="{esc(item["state"])}">'
            + _cells(
                _code(item["id"]),
                f"{esc(item['workflowName'] or '(unnamed)')}<br>{_code(item['workflowID'])}",
                f'<span class="badge {esc(item["state"])}">{esc(item["state"])}</span>'
                f'<div class="label">{esc(item["label"])}</div>',
                f'<ul class="stages">{stages}</ul>',
                esc(item["createdAt"]),
                instance_actions(item),
            )
            + "</tr>"
        )
    table = _table(["instance", "workflow", "state", "stages", "created", "actions"], rows, "no instance yet")
    return f"<h2>Instances <small>latest {len(state['instances'])}</small></h2>{table}"


def _retry_detail(stage: dict[str, Any]) -> str:
    if stage["state"] == "retrying":
        return f'<div class="detail">next attempt at <time>{esc(stage["nextAttempt"])}</time></div>'
    return ""


def _workflows(state: dict[str, Any]) -> str:
    rows = [
        f'<tr data-workflow="{esc(w["id"])}">'
        + _cells(esc(w["name"] or "(unnamed)"), _code(w["id"]), esc(" → ".join(w["stages"])), esc(w["instances"]))
        + "</tr>"
        for w in state["workflows"]
    ]
    table = _table(["name", "id", "stages", "instances"], rows, "no workflow yet")
    return f"<h2>Workflows</h2>{table}"


def _triggers(state: dict[str, Any]) -> str:
    rows = []
    for t in state["triggers"]:
        occurrences = "".join(
            f"<li><time>{esc(o['date'])}</time> "
            + (f'<span class="bad">{esc(o["error"])}</span>' if "error" in o else _code(o["workflowInstanceID"]))
            + "</li>"
            for o in t["occurrences"]
        )
        rows.append(
            f'<tr data-trigger="{esc(t["id"])}">'
            + _cells(
                esc(t["name"] or "(unnamed)"),
                _code(t["event"]),
                _code(t["workflowID"]),
                _code(t.get("filter") or ""),
                f'{esc(t["occurrenceCount"])}<ul class="occurrences">{occurrences}</ul>',
            )
            + "</tr>"
        )
    table = _table(["name", "event", "workflow", "filter", "occurrences (latest)"], rows, "no trigger yet")
    return f"<h2>Triggers</h2>{table}"


def _bank(state: dict[str, Any]) -> str:
    parts = ["<h2>Ledgers, wallets and payments</h2>"]
    for ledger in state["ledgers"]:
        rows = [
            "<tr>" + _cells(_code(a["address"]), esc(a["balances"]), esc(a["metadata"] or "")) + "</tr>"
            for a in ledger["accounts"]
        ]
        title = f"ledger {ledger['name']} ({ledger['transactions']} transactions)"
        parts.append(f"<h3>{esc(title)}</h3>" + _table(["account", "balances", "metadata"], rows, "no account"))
        recent = [
            "<tr>" + _cells(str(t["id"]), esc("; ".join(t["postings"])), "reverted" if t["reverted"] else "") + "</tr>"
            for t in ledger.get("recent", [])
        ]
        if recent:
            parts.append(_table(["latest transactions", "postings", ""], recent, ""))
    if not state["ledgers"]:
        parts.append('<p class="empty">no ledger yet</p>')
    wallets = [
        "<tr>" + _cells(esc(w["name"]), _code(w["id"]), esc(w["ledger"]), esc(w["balances"])) + "</tr>"
        for w in state["wallets"]
    ]
    parts.append("<h3>Wallets</h3>" + _table(["name", "id", "ledger", "balances"], wallets, "no wallet"))
    payments = [
        "<tr>"
        + _cells(
            _code(p.get("id", "")), esc(p.get("status", "")), esc(p.get("initialAmount", "")), esc(p.get("asset", ""))
        )
        + "</tr>"
        for p in state["payments"]
    ]
    parts.append("<h3>Payments</h3>" + _table(["id", "status", "amount", "asset"], payments, "no payment"))
    return "".join(parts)


def _faults(state: dict[str, Any]) -> str:
    rows = []
    for rule in state["faults"]:
        matches = {k: rule[k] for k in ("operationId", "method", "path") if k in rule} or "every request"
        kinds = ("status", "delayMs", "drop", "empty", "reset", "garbage", "times", "probability")
        effect = {k: rule[k] for k in kinds if k in rule}
        rows.append(
            "<tr>"
            + _cells(esc(rule["id"]), _code(matches), _code(effect), esc(rule["fired"]), esc(rule["expired"]))
            + "</tr>"
        )
    table = _table(["id", "matches", "effect", "fired", "expired"], rows, "no fault rule (POST /_mock/faults)")
    return f"<h2>Fault rules <small>{len(state['faults'])}</small></h2>{table}"


def _webhooks(state: dict[str, Any]) -> str:
    hooks = state["webhooks"]
    configs = [
        f'<tr data-webhook="{esc(c["id"])}">'
        + _cells(_code(c["endpoint"]), esc(", ".join(c["eventTypes"])), esc("active" if c["active"] else "inactive"))
        + _cells(_code(c["id"]))
        + "</tr>"
        for c in hooks["configs"]
    ]
    rows = []
    for a in hooks["attempts"]:
        status_class = "good" if a["status"] == "success" else "bad"
        fault = a.get("fault")
        detail = " · ".join(
            part
            for part in (
                f"fault {fault['rule']}: {', '.join(fault['kinds'])}" if fault else "",
                a.get("error") or "",
                a.get("note") or "",
            )
            if part
        )
        rows.append(
            f'<tr data-attempt="{esc(a["id"])}">'
            + _cells(
                esc(a["sentAt"]),
                _code(a["eventType"] or "test"),
                _code(a["config"]["endpoint"]),
                f'<span class="{status_class}">{esc(a["status"])}</span>',
                esc(a["statusCode"]),
                esc(a["retryAttempt"]),
                esc(a.get("nextRetryAfter", "")),
                esc(detail),
            )
            + "</tr>"
        )
    none = "no webhooks config (POST /api/webhooks/configs)"
    table = _table(["endpoint", "event types", "state", "id"], configs, none)
    attempts = _table(
        ["sent", "event", "endpoint", "status", "code", "retry", "next retry", "fault / error"],
        rows,
        "no delivery yet",
    )
    count = f"latest {len(hooks['attempts'])} of {hooks['attemptCount']}"
    return f"<h2>Webhooks</h2>{table}<h3>Delivery attempts <small>{count}</small></h3>{attempts}"


def _events(state: dict[str, Any]) -> str:
    rows = ["<tr>" + _cells(esc(e["date"]), _code(e["type"]), _code(e["payload"])) + "</tr>" for e in state["events"]]
    table = _table(["date", "type", "payload"], rows, "no event published yet")
    return f"<h2>Orchestration events <small>latest {len(state['events'])} of {state['eventCount']}</small></h2>{table}"


def _requests(state: dict[str, Any]) -> str:
    rows = []
    for r in state["requests"]:
        target = r["path"] + ("?" + r["query"] if r["query"] else "")
        status_class = "bad" if r["status"] >= 400 or r["status"] == 0 else "good"
        rows.append(
            "<tr>"
            + _cells(
                esc(r["date"]),
                esc(r["method"]),
                _code(target),
                f'<span class="{status_class}">{esc(r["status"])}</span>',
                esc(r["durationMs"]),
            )
            + "</tr>"
        )
    table = _table(["date", "method", "path", "status", "ms"], rows, "no request yet")
    return f"<h2>Request journal <small>latest {len(state['requests'])} of {state['requestCount']}</small></h2>{table}"
