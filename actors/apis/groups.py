"""The polyfill groups: one Group per file in polyfills/ (registered on import)."""

from __future__ import annotations

from actors.apis import Group, register

register(Group("events", globals=("Event",), polyfill="events.js"))
