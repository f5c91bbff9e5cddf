"""The ``events`` group: Event, EventTarget, CustomEvent, AbortController, AbortSignal, DOMException."""

from __future__ import annotations

from actors.apis import Group, register

register(
    Group(
        "events",
        globals=("Event", "EventTarget", "CustomEvent", "AbortController", "AbortSignal", "DOMException"),
        polyfill="events.js",
    )
)
