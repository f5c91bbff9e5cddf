"""The smallest live component: a counter whose state lives in a JavaScript context per
browser tab, kept across a crash with ``live.keep``. Run ``python examples/live_counter.py``
(needs ``pip install 'actors[live]'``) and open the URL it prints; ``--processes 2`` runs the
contexts in worker processes.
"""

from __future__ import annotations

import argparse

import actors
from actors.live import LiveApp, serve

COUNTER = """
let count = live.restored ?? 0;
document.body.innerHTML = '<button data-on-click="inc">+1</button> <output></output>';
const out = document.querySelector('output');
out.textContent = count;
live.on('inc', () => { count += 1; live.keep(count); out.textContent = count; });
"""


def create_app(pool: actors.ContextPool) -> LiveApp:
    return LiveApp(pool, COUNTER, component_name="counter.js", title="Counter",
                   memory_limit=4 << 20, max_reductions=100_000, timeout=2.0)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--processes", type=int, default=0, help="worker processes (0: thread mode)")
    args = parser.parse_args()
    with actors.ContextPool(processes=args.processes) as pool:
        print(f"counter on http://{args.host}:{args.port}/", flush=True)
        serve(create_app(pool), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
