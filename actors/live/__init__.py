"""Live sessions: one supervised context per browser connection.

A component is plain JavaScript using the ``dom`` group: it builds ``document.body``,
declares handlers with ``live.on(name, fn)`` for elements marked ``data-on-click="name"``
(``input``, ``change``, ``submit``, ``keydown``, ``keyup`` too), and changes its DOM when
they run. :class:`LiveApp` serves it as an ASGI app; :func:`route` mounts it in Starlette
(or FastAPI); :func:`serve` runs it with uvicorn, :class:`ServerThread` on a thread.
"""

from __future__ import annotations

from typing import Any

from actors.live.app import LiveApp
from actors.live.protocol import ProtocolError
from actors.live.server import ServerThread, serve

__all__ = ["LiveApp", "ProtocolError", "ServerThread", "route", "serve"]


def route(path: str, app: LiveApp) -> Any:
    """A Starlette ``Mount`` serving ``app`` under ``path`` (page, client and socket)."""
    from starlette.routing import Mount

    return Mount(path, app=app)
