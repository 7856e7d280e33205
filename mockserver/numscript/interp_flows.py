"""The interpreter's sends: sources push senders on a funds queue, destinations pull from its front
(interpreter.go tryTakingUpTo / takeAll / sendTo, funds_queue.go Pull)."""

from __future__ import annotations

from . import syntax as ast
from .interp_core import Run, allot, experimental, missing_funds, runtime
from .interp_parser import Unsupported
from .interp_values import expect
from .values import ACCOUNT, MONETARY, Monetary


def run_send(run: Run, statement: ast.Send) -> None:

    if statement.amount is None:
        run.asset = expect(run.eval(statement.asset), "asset")  # type: ignore[arg-type]
        send_to(run, statement.destination, take_all(run, statement.source))
        return
    monetary: Monetary = expect(run.eval(statement.amount), MONETARY)
    run.asset = monetary.asset
    amount = monetary.amount or 0
    if amount < 0:
        raise runtime(f"Cannot send negative amount: {amount}")
    taken = take_up_to(run, statement.source, amount)
    if taken != amount:
        raise missing_funds(run.asset, amount, taken)
    send_to(run, statement.destination, amount)


def _account(run: Run, node: ast.Expr) -> str:

    if isinstance(node, Unsupported):
        raise experimental(node.name)
    return expect(run.eval(node), ACCOUNT)


def _cap(run: Run, node: ast.Expr) -> int:
    """expectMonetaryOfAsset, floored at zero (utils.NonNeg)."""

    monetary: Monetary = expect(run.eval(node), MONETARY)
    if monetary.asset != run.asset:
        raise runtime(f"Mismatched currency (expected '{run.asset}', got '{monetary.asset}' instead)")
    return max(monetary.amount or 0, 0)


def push_sender(run: Run, name: str, amount: int) -> None:
    if amount == 0:
        return
    run.add(name, run.asset, -amount)
    run.queue.append([name, amount])


def take_up_to(run: Run, source: ast.Source, amount: int) -> int:

    if isinstance(source, ast.SourceAccount):
        account = _account(run, source.account)
        if account == "world" or source.unbounded:
            sent = amount
        else:
            overdraft = 0 if source.overdraft is None else _cap(run, source.overdraft)
            sent = min(max(run.balance(account, run.asset) + overdraft, 0), amount)
        push_sender(run, account, sent)
        return sent
    if isinstance(source, ast.SourceInOrder):
        left = amount
        for sub in source.sources:
            left -= take_up_to(run, sub, left)
        return amount - left
    if isinstance(source, ast.SourceMax):
        cap = _cap(run, source.cap)
        return take_up_to(run, source.source, max(min(amount, cap), 0))
    shares = allot(run, amount, [portion for portion, _ in source.items])
    for share, (_, sub) in zip(shares, source.items, strict=True):
        taken = take_up_to(run, sub, share)
        if taken != share:
            raise missing_funds(run.asset, share, taken)
    return amount


def take_all(run: Run, source: ast.Source) -> int:

    if isinstance(source, ast.SourceAccount):
        account = _account(run, source.account)
        if account == "world" or source.unbounded:
            raise runtime("cannot take all balance from an unbounded source")
        overdraft = 0 if source.overdraft is None else _cap(run, source.overdraft)
        sent = max(run.balance(account, run.asset) + overdraft, 0)
        push_sender(run, account, sent)
        return sent
    if isinstance(source, ast.SourceInOrder):
        return sum(take_all(run, sub) for sub in source.sources)
    if isinstance(source, ast.SourceMax):
        return take_up_to(run, source.source, _cap(run, source.cap))
    raise runtime("cannot take all balance of an allotment source")


def _pull(run: Run, amount: int) -> list[list]:
    """funds_queue.go Pull: from the front, merging neighbours of one account, dropping empty ones."""
    queue, out = run.queue, []
    while amount != 0 and queue:
        while len(queue) > 1 and (queue[1][1] == 0 or queue[1][0] == queue[0][0]):
            second = queue.pop(1)
            queue[0] = [queue[0][0], queue[0][1] + second[1]]
        name, available = queue.pop(0)
        if available < amount:
            out.append([name, available])
            amount -= available
        else:
            if available > amount:
                queue.insert(0, [name, available - amount])
            out.append([name, amount])
            return out
    return out


def receive(run: Run, name: str | None, amount: int) -> None:
    """pushReceiver: `None` is kept, its funds go back to their senders."""
    if amount == 0:
        return
    for sender, part in _pull(run, amount):
        if name is None:
            run.add(sender, run.asset, part)
            continue
        run.add(name, run.asset, part)
        run.postings.append((sender, name, part, run.asset))


def send_to(run: Run, destination: ast.Destination | None, amount: int) -> None:

    if destination is None:
        receive(run, None, amount)
    elif isinstance(destination, ast.DestinationAccount):
        receive(run, _account(run, destination.account), amount)
    elif isinstance(destination, ast.DestinationAllotment):
        shares = allot(run, amount, [portion for portion, _ in destination.items])
        for share, (_, target) in zip(shares, destination.items, strict=True):
            send_to(run, target, share)
    else:
        left = amount
        for cap_node, target in destination.items:
            cap = _cap_raw(run, cap_node)
            if left == 0:
                break
            share = max(min(cap, left), 0)
            if share:
                send_to(run, target, share)
                left -= share
        if left:
            send_to(run, destination.remaining, left)


def _cap_raw(run: Run, node: ast.Expr) -> int:
    """A destination `max`: the monetary of the send's asset, not floored (MaxBigInt(MinBigInt(...), 0) later)."""

    monetary: Monetary = expect(run.eval(node), MONETARY)
    if monetary.asset != run.asset:
        raise runtime(f"Mismatched currency (expected '{run.asset}', got '{monetary.asset}' instead)")
    return monetary.amount or 0
