"""A todo list as a live component (``examples/live_todo.js``): each browser tab gets its own
context with its own limits; typing validates as you go, submitting adds an item, checkboxes
and buttons change it, and the list survives a crash of the tab's context (``live.keep``). It
is mounted in a Starlette app at ``/todo`` with ``actors.live.route``, next to a plain route.
Run ``python examples/live_todo.py [--port 8000] [--processes 2]`` and open ``/todo/``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import Route

import actors
from actors.live import LiveApp, route, serve

COMPONENT = Path(__file__).with_name("live_todo.js")
STYLE = (
    "<style>body{font:16px system-ui;margin:2em}.error{color:#b00}"
    ".done span{text-decoration:line-through}</style>"
)


def create_live(pool: actors.ContextPool) -> LiveApp:
    return LiveApp(pool, COMPONENT, title="Todo", head=STYLE,
                   memory_limit=8 << 20, max_reductions=200_000, timeout=2.0)  # fmt: skip


def create_app(pool: actors.ContextPool) -> Starlette:
    return Starlette(
        routes=[Route("/", lambda request: RedirectResponse("/todo/")), route("/todo", create_live(pool))]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--processes", type=int, default=0, help="worker processes (0: thread mode)")
    args = parser.parse_args()
    with actors.ContextPool(processes=args.processes) as pool:
        print(f"todo list on http://{args.host}:{args.port}/todo/", flush=True)
        serve(create_app(pool), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
