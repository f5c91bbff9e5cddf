"""A multi-user chat room as a live component (``examples/live_chat.js``): each browser tab
gets its own context, and the contexts of the room talk through a ``BroadcastChannel`` (the
``channel`` group, one hub per pool), so a message sent in one tab is rendered in every other
tab's context and pushed to its page. A tab that joins gets the recent messages from the room;
a tab whose context crashes keeps its log (``live.keep``). Run
``python examples/live_chat.py [--port 8000] [--processes 2]`` and open the URL in two tabs.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import actors
from actors.live import LiveApp, serve

COMPONENT = Path(__file__).with_name("live_chat.js")
STYLE = "<style>body{font:16px system-ui;margin:2em}.log{min-height:8em}.error{color:#b00}</style>"


def create_app(pool: actors.ContextPool) -> LiveApp:
    # apis: the DOM and BroadcastChannel; no hibernate_after (the channel runs in the background)
    return LiveApp(pool, COMPONENT, title="Chat", head=STYLE, apis=("dom", "channel"),
                   memory_limit=8 << 20, max_reductions=200_000, timeout=2.0)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--processes", type=int, default=0, help="worker processes (0: thread mode)")
    args = parser.parse_args()
    with actors.ContextPool(processes=args.processes) as pool:
        print(f"chat room on http://{args.host}:{args.port}/ (open it in two tabs)", flush=True)
        serve(create_app(pool), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
