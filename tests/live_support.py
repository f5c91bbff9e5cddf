"""Helpers for the live-session tests: components, and a WebSocket client that waits with deadlines."""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any

from websockets.sync.client import ClientConnection, connect

COUNTER = """
let count = live.restored ?? 0;
document.body.innerHTML = '<button data-on-click="inc">+1</button> <output></output>';
const out = document.querySelector('output');
out.textContent = count;
live.on('inc', () => { count += 1; live.keep(count); out.textContent = count; });
live.on('throw', () => { throw new Error('handler bug'); });
live.on('spin', () => { for (;;) {} });
live.on('hog', () => { const a = []; for (;;) a.push('x'.repeat(1 << 16)); });
live.on('later', () => { setTimeout(() => { out.textContent = 'from a timer'; }, 1); });
live.on('crash_later', () => { setTimeout(() => { throw new Error('timer bug'); }, 1); });
live.on('echo', (ev) => { out.textContent = ev.value; });
"""


class LiveClient:
    """A page without a browser: sends events, reads messages with deadlines."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        self._stack = contextlib.ExitStack()
        self.ws: ClientConnection = self._stack.enter_context(connect(url, open_timeout=30, **kwargs))
        self.seq = 0
        self.seen: list[dict[str, Any]] = []

    def recv(self, timeout: float = 10.0) -> dict[str, Any]:
        msg: dict[str, Any] = json.loads(self.ws.recv(timeout=timeout))
        self.seen.append(msg)
        return msg

    def until(self, kind: str, timeout: float = 10.0) -> dict[str, Any]:
        """The next message of type ``kind`` (earlier ones are in ``seen``)."""
        deadline = time.monotonic() + timeout
        while True:
            msg = self.recv(max(0.01, deadline - time.monotonic()))
            if msg["t"] == kind:
                return msg

    def event(self, handler: str, path: list[int] | None = None, etype: str = "click", **extra: Any) -> int:
        self.seq += 1
        msg = {"t": "e", "seq": self.seq, "h": handler, "type": etype, "path": path or [0], **extra}
        self.ws.send(json.dumps(msg))
        return self.seq

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> LiveClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def apply(tree: list[Any], ops: list[Any]) -> list[Any]:
    """What the client does with a batch of ops, on a tree of nested lists (for assertions)."""

    def node_at(path: list[int]) -> Any:
        node: Any = ["#root", {}, tree]
        for i in path:
            node = node[2][i]
        return node

    for op in ops:
        kind = op[0]
        if kind == "=":
            tree[:] = op[1]
            continue
        path = op[1]
        if kind == "t":
            parent = node_at(path[:-1])
            parent[2][path[-1]] = op[2]
        elif kind == "a":
            attrs = node_at(path)[1]
            for k, v in op[2].items():
                if v is None:
                    attrs.pop(k, None)
                else:
                    attrs[k] = v
        elif kind == "p":
            node = node_at(path)
            node[3] = {**(node[3] or {}), **op[2]}
        elif kind == "r":
            node_at(path[:-1])[2][path[-1]] = op[2]
        elif kind == "+":
            node_at(path)[2].extend(op[2])
        elif kind == "-":
            del node_at(path)[2][op[2] :]
    return tree
