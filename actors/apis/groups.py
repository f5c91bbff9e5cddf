"""The polyfill groups: one module per group in this package registers it.

A group module (``actors/apis/<group>.py``) calls
``register(Group(name, globals=..., requires=..., polyfill="<file>.js",
handlers={...}))``; its JavaScript lives in ``polyfills/<file>.js``.
"""

from __future__ import annotations

import importlib

# in dependency order
_MODULES = (
    "events",
    "encoding",
    "url",
    "streams",
    "buffer",
    "compression",
    "crypto",
    "storage",
    "locks",
    "channel",
    "worker",
    "fetch",
    "websocket",
    "eventsource",
    "dom",
    "intl",
    "window",
)

for _name in _MODULES:
    try:
        importlib.import_module(f"actors.apis.{_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"actors.apis.{_name}":
            raise  # a group module that exists but fails to import is a bug
