"""The inspector's forms. ``inspector.js`` posts each ``form[data-action]`` as JSON to
``api/<action>``; without JavaScript the forms do nothing, since the endpoints accept JSON
only (which is also what keeps other web pages from posting to them)."""

from __future__ import annotations

from typing import Any

from mockserver.inspector.markup import esc

FIXTURE_PLACEHOLDER = """workflows:
  - name: wait-for-go
    stages:
      - wait_event: { event: go }
instances:
  - workflow: wait-for-go"""

ACTIONS_PANEL = f"""<section id="actions">
<h2>Actions</h2>
<div class="forms">
<div>
<h3>Clock and state</h3>
<form data-action="advance" class="inline">
<label>Advance the clock by <input name="seconds" type="number" min="0" step="any" value="60" required></label> s
<button type="submit">advance</button>
</form>
<form data-action="reset" class="inline">
<button type="submit" class="danger">reset</button> empties the state and reloads the start-up fixtures
</form>
</div>
<form data-action="publish">
<h3>Publish a bus event</h3>
<label>type <input name="type" required placeholder="SAVED_PAYMENT"></label>
<label>app <input name="app" placeholder="inferred from the type"></label>
<label>payload (JSON)<textarea name="payload" rows="4">{{}}</textarea></label>
<button type="submit">publish</button>
</form>
<form data-action="fixtures">
<h3>Load a fixture</h3>
<label>YAML or JSON<textarea name="document" rows="6" placeholder="{esc(FIXTURE_PLACEHOLDER)}"></textarea></label>
<button type="submit">load fixture</button>
</form>
</div>
</section>"""


def instance_actions(item: dict[str, Any]) -> str:
    """Abort for a running instance, and send-event with the awaited name pre-filled while it waits.

    An event sent to any other stage would be accepted and dropped, so the page does not offer it.
    """
    if item["terminated"]:
        return ""
    instance_id = esc(item["id"])
    forms = []
    waiting = next((s["waitingFor"] for s in item["stages"] if "waitingFor" in s), None)
    if waiting is not None:
        forms.append(
            '<form data-action="send-event" class="inline">'
            f'<input type="hidden" name="instanceId" value="{instance_id}">'
            f'<input name="name" aria-label="event name" value="{esc(waiting)}" required>'
            '<button type="submit">send event</button></form>'
        )
    forms.append(
        '<form data-action="abort" class="inline">'
        f'<input type="hidden" name="instanceId" value="{instance_id}">'
        '<button type="submit" class="danger">abort</button></form>'
    )
    return "".join(forms)
