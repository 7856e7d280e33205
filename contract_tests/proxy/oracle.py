"""The proxy's model of the traffic it has seen: what was created and deleted through it, and how each
instance last read. It only ever learns from answers that went through the proxy, so it cannot predict
progress (that needs the stages and the clock); it checks what observed traffic alone can prove:

* a resource read after its creation matches it, and a listed one matches it too;
* a deleted trigger stays gone (404), a deleted workflow answers consistently;
* a created resource gets a fresh id;
* a complete list shows every live resource created through the proxy and no deleted one; filters filter;
* an instance once seen terminated stays terminated; an event to it is refused;
* an occurrence's embedded instance equals the instance's own (terminated) read.

Each rule applies a named check of the registry through `judge`, which records what it finds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from contract_tests.checks.related import EMBEDDED_INSTANCE_FIELDS, items_of
from contract_tests.checks.views import view_named
from contract_tests.transport.client import Exchange

__all__ = ["Judge", "TrafficModel"]

# judge(check name, exchange the check reads, **what the check expects) -> whether it held.
Judge = Callable[..., bool]

WORKFLOW_FIELDS = ("id", "config", "createdAt")
INSTANCE_FIELDS = ("id", "workflowID", "createdAt")
TRIGGER_FIELDS = ("id", "event", "workflowID", "filter", "vars", "name", "version", "createdAt")
# A proxy may run for days: past this many resources per kind the oldest are forgotten (never misjudged:
# a forgotten resource is simply no longer checked).
MAX_REMEMBERED = 50_000


@dataclass
class Seen:
    data: dict[str, Any]
    deleted: bool = False


def _remember(table: dict[str, Any], key: str, value: Any) -> None:
    table[key] = value
    while len(table) > MAX_REMEMBERED:
        del table[next(iter(table))]


def _items(ex: Exchange) -> list[dict[str, Any]]:
    data = ex.data if ex.status == 200 else None
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


def _one(ex: Exchange) -> dict[str, Any] | None:
    data = ex.data if 200 <= ex.status < 300 else None
    return data if isinstance(data, dict) and isinstance(data.get("id"), str) else None


def _complete(ex: Exchange) -> bool:
    """Whether a list answer holds the whole list: v1 always; v2 only a first page with nothing after it."""
    if not ex.operation.paginated:
        return True
    return "cursor" not in (ex.case.query or {}) and (ex.cursor or {}).get("hasMore") is False


@dataclass
class TrafficModel:
    workflows: dict[str, Seen] = field(default_factory=dict)
    instances: dict[str, Seen] = field(default_factory=dict)
    triggers: dict[str, Seen] = field(default_factory=dict)
    # An instance's first terminated view, and its last read (the endpoint embeds are compared with).
    terminated: dict[str, dict[str, Any]] = field(default_factory=dict)
    reads: dict[str, Exchange] = field(default_factory=dict)
    ids: dict[str, None] = field(default_factory=dict)

    def reset(self) -> None:
        for table in (self.workflows, self.instances, self.triggers, self.terminated, self.reads, self.ids):
            table.clear()

    def observe(self, ex: Exchange, judge: Judge) -> None:
        """Judge one exchange against what came before, then learn from it."""
        rule = getattr(self, f"_{ex.operation.name}", None)
        if rule is not None:
            rule(ex, judge, ex.case.path_parameters or {})

    # Creations: a fresh id, then remembered.
    def _created(self, ex: Exchange, judge: Judge, table: dict[str, Seen]) -> dict[str, Any] | None:
        data = _one(ex)
        if data is None:
            return None
        judge("ids_fresh", ex, seen=set(self.ids))
        _remember(self.ids, data["id"], None)
        _remember(table, data["id"], Seen(dict(data)))
        return data

    def _createWorkflow(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        self._created(ex, judge, self.workflows)

    def _createTrigger(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        self._created(ex, judge, self.triggers)

    def _runWorkflow(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        workflow = self.workflows.get(path.get("workflowID", ""))
        if workflow is not None and workflow.deleted:
            judge("deleted_workflow_consistent", ex, allowed=(201, 404))
        data = self._created(ex, judge, self.instances)
        if data is not None:
            judge("read_matches_created", ex, created={"workflowID": path.get("workflowID")}, fields=("workflowID",))
            self._instance_seen(ex, data, judge)

    # Reads: what was created, and gone once deleted.
    def _read(self, ex: Exchange, judge: Judge, seen: Seen | None, fields: tuple[str, ...], kind: str) -> None:
        if seen is None:
            return
        if ex.status == 200 and isinstance(ex.data, dict):
            judge("read_matches_created", ex, created=seen.data, fields=fields)
        elif ex.status == 404:
            judge("valid_request_accepted", ex, expected=200, why=f"a {kind} created through the proxy is read")

    def _getWorkflow(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        seen = self.workflows.get(path.get("flowId", ""))
        if seen is not None and seen.deleted:
            judge("deleted_workflow_consistent", ex, allowed=(200, 404))
        else:
            self._read(ex, judge, seen, WORKFLOW_FIELDS, "workflow")

    def _readTrigger(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        seen = self.triggers.get(path.get("triggerID", ""))
        if seen is not None and seen.deleted:
            judge("deleted_resource_not_found", ex, expected=404, why="a trigger deleted through the proxy")
        else:
            self._read(ex, judge, seen, TRIGGER_FIELDS, "trigger")

    def _getInstance(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        instance_id = path.get("instanceID", "")
        self._read(ex, judge, self.instances.get(instance_id), INSTANCE_FIELDS, "instance")
        data = _one(ex)
        if data is not None and ex.status == 200:
            _remember(self.reads, instance_id, ex)
            self._instance_seen(ex, data, judge)
            self._embeds_workflow(ex, judge)

    # Deletions.
    def _deleteWorkflow(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        self._delete(ex, judge, self.workflows, path.get("flowId", ""), workflow=True)

    def _deleteTrigger(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        self._delete(ex, judge, self.triggers, path.get("triggerID", ""), workflow=False)

    def _delete(self, ex: Exchange, judge: Judge, table: dict[str, Seen], key: str, *, workflow: bool) -> None:
        seen = table.get(key)
        if seen is not None and seen.deleted:
            if workflow:  # deleting twice: 204 (the real service) or 404 (spec mode), never a mix
                judge("deleted_workflow_consistent", ex, allowed=(204, 404))
            else:
                judge("deleted_resource_not_found", ex, expected=404, why="a trigger deleted twice")
        elif ex.status == 204:
            if seen is None:
                _remember(table, key, seen := Seen({"id": key}))
            seen.deleted = True

    # Lists: consistent with what was created and deleted, filters applied.
    def _list(self, ex: Exchange, judge: Judge, table: dict[str, Seen], fields: tuple[str, ...], **only: Any) -> None:
        if ex.status != 200 or not isinstance(ex.data, list):
            return
        judge("list_excludes_deleted", ex, absent=[k for k, s in table.items() if s.deleted])
        live = {k: s.data for k, s in table.items() if not s.deleted}
        if only.get("complete", _complete(ex)):
            keep = only.get("keep", lambda _: True)
            judge("list_contains_created", ex, present=[k for k, d in live.items() if keep(d)])
        judge("list_matches_read", ex, reads=live, fields=fields)

    def _listWorkflows(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        self._list(ex, judge, self.workflows, WORKFLOW_FIELDS)

    def _listTriggers(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        name = (ex.case.query or {}).get("name")
        if isinstance(name, str) and name and ex.status == 200:
            rule = f"name contains {name!r}"
            judge("name_filter_applied", ex, keep=lambda t: name.lower() in str(t.get("name") or "").lower(), rule=rule)
        self._list(ex, judge, self.triggers, TRIGGER_FIELDS, complete=not name and _complete(ex))

    def _listInstances(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        query = ex.case.query or {}
        workflow, running = query.get("workflowID"), query.get("running") == "true"
        if ex.status == 200 and isinstance(workflow, str) and workflow:
            keep_workflow = lambda i: i.get("workflowID") == workflow  # noqa: E731
            judge("workflow_filter_applied", ex, keep=keep_workflow, rule=f"workflowID={workflow}")
        if ex.status == 200 and running:
            judge("running_filter_applied", ex, keep=lambda i: i.get("terminated") is not True, rule="running=true")
        gone = {k for k, s in self.workflows.items() if s.deleted}
        # Instances of deleted workflows may or may not be listed: they are not expected either way.
        expected = {k: s for k, s in self.instances.items() if s.data.get("workflowID") not in gone}
        complete = not running and _complete(ex)
        if isinstance(workflow, str) and workflow:
            self._list(
                ex, judge, expected, INSTANCE_FIELDS, complete=complete, keep=lambda i: i.get("workflowID") == workflow
            )
        else:
            self._list(ex, judge, expected, INSTANCE_FIELDS, complete=complete)
        for item in _items(ex):
            self._instance_seen(ex, item, judge)
        if ex.status == 200:
            self._embeds_workflow(ex, judge)

    def _embeds_workflow(self, ex: Exchange, judge: Judge) -> None:
        """Each instance's `workflow` is the workflow created through the proxy (flows v2.6.0); a missing one is
        `embed_present`'s, a response check."""
        view = view_named("instance.workflow")
        for item in items_of(ex) if ex.status == 200 else []:
            workflow, seen = item.get("workflow"), self.workflows.get(str(item.get("workflowID")))
            if isinstance(workflow, dict) and seen is not None:
                fields = view.fields
                judge(
                    "embedded_matches_endpoint", ex, embedded=workflow, current=seen.data, fields=fields, view=view.name
                )

    def _listTriggersOccurrences(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        for occurrence in _items(ex):
            embedded = occurrence.get("workflowInstance")
            if not isinstance(embedded, dict) or not isinstance(embedded.get("id"), str):
                continue
            read = self.reads.get(embedded["id"])
            if read is not None and isinstance(read.data, dict) and read.data.get("terminated") is True:
                judge("embedded_matches_endpoint", read, embedded=embedded, fields=EMBEDDED_INSTANCE_FIELDS)
            self._instance_seen(ex, embedded, judge)

    # Instances: terminated is final.
    def _sendEvent(self, ex: Exchange, judge: Judge, path: dict[str, str]) -> None:
        if path.get("instanceID") in self.terminated and 200 <= ex.status < 300:
            judge("event_to_finished_rejected", ex, expected=400, why="an event to an instance seen terminated")

    def _instance_seen(self, ex: Exchange, instance: dict[str, Any], judge: Judge) -> None:
        instance_id = instance.get("id")
        if not isinstance(instance_id, str):
            return
        before = self.terminated.get(instance_id)
        if before is not None:
            judge("instance_stays_terminated", ex, instance=instance, before=before)
        elif instance.get("terminated") is True:
            _remember(self.terminated, instance_id, dict(instance))
