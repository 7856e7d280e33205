"""``orchestration-mock webhooks listen``: a webhook endpoint in a terminal, for frontend developers.

It serves ``receiver.Receiver`` on ``--host``/``--port`` and prints every delivery as it comes:
its event type, id, whether its signature checks out with ``--secret``, and its body. With
``--register MOCK_URL`` it also creates the config on the mock (for ``--event-type`` ...), uses
that config's secret, and deletes the config when it stops (Ctrl-C).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any, TextIO

import httpx

from mockserver.webhooks.receiver import Delivery, Receiver

TOKEN_PATH = "/api/auth/oauth/token"
CONFIGS_PATH = "/api/webhooks/configs"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="orchestration-mock webhooks listen",
        description="Receive the mock's webhook deliveries and print them, signatures verified.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=4000, help="port (default: 4000; 0 for any free one)")
    parser.add_argument("--path", default="/webhooks", help="the path to register (default: /webhooks)")
    parser.add_argument(
        "--secret", action="append", default=[], metavar="S", help="a config's secret to verify with (repeatable)"
    )
    parser.add_argument("--status", type=int, default=200, help="the status to answer verified deliveries (200)")
    parser.add_argument("--register", metavar="MOCK_URL", default=None, help="create the config on this mock")
    parser.add_argument(
        "--event-type",
        action="append",
        default=[],
        metavar="TYPE",
        help="with --register: an event type to receive, e.g. ledger.committed_transactions (repeatable)",
    )
    parser.add_argument("--client-id", default="webhooks-listen", help="with --register: OAuth client id")
    parser.add_argument("--client-secret", default="listen", help="with --register: OAuth client secret")
    return parser


def main(argv: list[str], out: TextIO = sys.stdout) -> int:
    args = build_parser().parse_args(argv)
    if args.register and not args.event_type:
        build_parser().error("--register needs at least one --event-type")
    receiver = Receiver(tuple(args.secret), host=args.host, port=args.port)
    receiver.default_status = args.status
    receiver.on_delivery = lambda delivery: print(describe(delivery), file=out, flush=True)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():  # signals only reach the main thread
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with receiver.running():
        endpoint = receiver.url + args.path
        registered = None
        try:
            if args.register:
                registered = _register(args, endpoint)
                receiver.secrets.append(registered["secret"])
                print(f"registered config {registered['id']} for {', '.join(registered['eventTypes'])}", file=out)
            print(f"listening on {endpoint} (Ctrl-C to stop)", file=out, flush=True)
            stop.wait()
        except KeyboardInterrupt:
            pass
        except httpx.HTTPError as exc:
            print(f"orchestration-mock webhooks listen: cannot register: {exc}", file=sys.stderr)
            return 2
        finally:
            if registered is not None:
                _unregister(args, registered["id"])
    return 0


def describe(delivery: Delivery) -> str:
    """One delivery as printed: a header line, then its body, pretty when it is JSON."""
    check = {True: "signature verified", False: "SIGNATURE INVALID", None: "signature not checked (no --secret)"}
    test = " (test call)" if delivery.test else ""
    head = f"[{delivery.received_at:%H:%M:%S}] {delivery.type or '?'} id={delivery.webhook_id}"
    head += f" {check[delivery.verified]}{test}"
    try:
        body = json.dumps(delivery.event, indent=2, ensure_ascii=False)
    except ValueError:
        body = delivery.body.decode("utf-8", "replace")
    return f"{head}\n{body}"


def _token(args: argparse.Namespace) -> str:
    form = {"grant_type": "client_credentials", "client_id": args.client_id, "client_secret": args.client_secret}
    reply = httpx.post(args.register.rstrip("/") + TOKEN_PATH, data=form, timeout=10)
    reply.raise_for_status()
    return str(reply.json()["access_token"])


def _register(args: argparse.Namespace, endpoint: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {_token(args)}"}
    body = {"endpoint": endpoint, "eventTypes": args.event_type}
    reply = httpx.post(args.register.rstrip("/") + CONFIGS_PATH, json=body, headers=headers, timeout=10)
    reply.raise_for_status()
    return dict(reply.json()["data"])


def _unregister(args: argparse.Namespace, config_id: str) -> None:
    try:
        headers = {"Authorization": f"Bearer {_token(args)}"}
        httpx.delete(f"{args.register.rstrip('/')}{CONFIGS_PATH}/{config_id}", headers=headers, timeout=10)
    except httpx.HTTPError:
        pass  # the mock may be gone already
