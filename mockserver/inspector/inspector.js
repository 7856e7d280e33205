"use strict";
// The inspector's only script: poll state.json every second, swap in the server-rendered
// fragments that changed, and post the forms as JSON. Fragments are escaped on the server;
// everything this script writes itself goes through textContent.
(() => {
  const POLL_MS = 1000;
  const applied = new Map();
  const status = document.getElementById("status");
  let polls = 0;

  function show(text, ok) {
    status.textContent = text;
    status.className = ok ? "good" : "bad";
  }

  function typingIn(section) {
    // Replacing a section would throw away what the user is typing into it; wait for blur.
    const active = document.activeElement;
    return section.contains(active) && (active.tagName === "INPUT" || active.tagName === "TEXTAREA");
  }

  async function refresh() {
    let state;
    try {
      const reply = await fetch("state.json" + location.search, { cache: "no-store" });
      if (!reply.ok) throw new Error("HTTP " + reply.status);
      state = await reply.json();
    } catch (error) {
      show("cannot read the mock's state: " + error.message, false);
      return;
    }
    for (const [id, html] of Object.entries(state.html)) {
      const section = document.getElementById(id);
      if (!section || applied.get(id) === html || typingIn(section)) continue;
      section.innerHTML = html;
      applied.set(id, html);
    }
    polls += 1;
    document.body.dataset.polls = String(polls);
  }

  async function poll() {
    await refresh();
    setTimeout(poll, POLL_MS);
  }

  async function submit(event) {
    const form = event.target.closest("form[data-action]");
    if (!form) return;
    event.preventDefault();
    const buttons = form.querySelectorAll("button");
    buttons.forEach((b) => { b.disabled = true; });
    try {
      const reply = await fetch("api/" + encodeURIComponent(form.dataset.action) + location.search, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(Object.fromEntries(new FormData(form))),
      });
      const body = await reply.json().catch(() => ({}));
      if (reply.ok) {
        show(body.data.message, true);
      } else {
        show((body.errorCode || "HTTP " + reply.status) + ": " + (body.errorMessage || reply.statusText), false);
      }
    } catch (error) {
      show("the mock did not answer: " + error.message, false);
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
      if (document.activeElement && form.contains(document.activeElement)) document.activeElement.blur();
    }
    await refresh();
  }

  document.addEventListener("submit", submit);
  poll();
})();
