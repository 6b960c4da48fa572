"""What is typed reaches the server when the typing pauses, not only when the box loses focus.

Streamlit sends a text box's value on blur or Ctrl+Enter (Enter in a one-line box); it has no
callback per keystroke. Text still in a focused box when the tab is closed, or the computer sleeps,
would never leave the browser, and so never reach the drafts kept on the server (widgets.keep_drafts).
This component (Streamlit's components v2, which runs in the page itself, not in an iframe) listens
to typing in the app's text boxes and, after a pause, sends the box's value the way the person
could: a Ctrl+Enter on that box. The run it causes keeps the draft on the server; the box keeps the
focus and the caret. It also sends at once when the page is hidden (a tab switched or being closed),
which reaches the server only if the browser still delivers it.

Boxes inside forms are left alone (Enter there submits the form, e.g. the sign-in), and so is text
being composed with an input method (Chinese) until the composition ends.
"""

from __future__ import annotations

import streamlit as st

#: Milliseconds without a keystroke after which the box's value is sent.
PAUSE_MS = 1200

_JS = """
export default function () {
  if (window.__sstcTypingPauses) return;       // once per page load: the listeners are on the document
  window.__sstcTypingPauses = true;
  const PAUSE = %(pause)d;
  let waiting = null, timer = null, composing = false;
  const typedInto = (node) =>
    (node instanceof HTMLTextAreaElement || (node instanceof HTMLInputElement && node.type === "text"))
    && node.closest('[data-testid="stTextArea"], [data-testid="stTextInput"]')
    && !node.closest('[data-testid="stForm"]');
  const send = () => {
    clearTimeout(timer);
    timer = null;
    if (composing) { timer = setTimeout(send, PAUSE); return; }
    const box = waiting;
    waiting = null;
    if (box && box.isConnected) {
      box.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", code: "Enter", keyCode: 13, ctrlKey: true,
                                                      bubbles: true, cancelable: true}));
    }
  };
  const typed = (event) => {
    if (!typedInto(event.target)) return;
    if (waiting && waiting !== event.target) send();    // the previous box first
    waiting = event.target;
    clearTimeout(timer);
    timer = setTimeout(send, PAUSE);
  };
  document.addEventListener("input", typed, true);
  document.addEventListener("compositionstart", () => { composing = true; }, true);
  document.addEventListener("compositionend", (event) => { composing = false; typed(event); }, true);
  const hidden = () => { if (waiting && !composing) send(); };
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "hidden") hidden(); });
  window.addEventListener("pagehide", hidden);
}
""" % {"pause": PAUSE_MS}

_component = st.components.v2.component("sstc_typing_pauses", js=_JS)


def send_typing_pauses() -> None:
    """Mount the listener (nothing visible); call it on every run, in the same place."""
    _component(key="sstc-typing-pauses", height=0)
