"""Server-side rendering with a pool of JavaScript contexts behind a real ASGI
server: a small component library written in plain JS
(``examples/ssr_components.js``: ``Layout``, ``Nav``, ``ProductCard``,
``ProductList``, one page per route, all building nodes with the ``dom``
group's ``document``) runs in a few renderer contexts on one
``actors.ContextPool`` (one per core, each with its own ``memory_limit`` and
``timeout``, and ``restart="permanent"`` so a crashed renderer is replaced). A
starlette app serves ``/``, ``/products/{id}`` and ``/search?q=...``: each
request borrows an idle renderer from an asyncio queue, passes the data (kept
in Python) as props to ``await ctx.call_async("render", route, props)`` so the
event loop never blocks, then reads the page title with the host-side DOM
query ``ctx.dom_text_async("title")`` (no JavaScript runs for it) into an
``X-Page-Title`` header. User input only ever reaches the page through
``textContent`` and ``setAttribute``, so ``/search?q=<script>...`` comes out
escaped; ``/boom`` (``?kind=throw``, ``loop`` or ``memory``) makes a component
fail and shows the 500 page while the renderers keep serving. Run it with
``python examples/ssr.py [--port 8000] [--renderers N]`` (needs ``pip install
starlette uvicorn``, or the ``examples`` extra) and open the URL it prints.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import logging
import os
import string
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import uvicorn
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

import actors

COMPONENTS = Path(__file__).with_name("ssr_components.js")
log = logging.getLogger("ssr")

# The data layer stays in Python; the components only ever see copies passed as props.
CATALOG: list[dict[str, Any]] = [
    {"id": 1, "name": "Espresso Machine", "price_cents": 24900, "tags": ["kitchen", "coffee"],
     "description": "Fifteen bars of pressure and a steam wand for milk."},
    {"id": 2, "name": "Salt & Pepper Grinder", "price_cents": 1850, "tags": ["kitchen"],
     "description": "Two ceramic burrs, one for each. Refillable from the top."},
    {"id": 3, "name": "Pour-Over Kettle", "price_cents": 5400, "tags": ["coffee"],
     "description": "A gooseneck spout for a slow, even pour."},
    {"id": 4, "name": "Cast Iron Pan <28 cm>", "price_cents": 3900, "tags": ["kitchen"],
     "description": "Seasoned and ready; the brackets in the name are part of the name."},
    {"id": 5, "name": "Tea Sampler", "price_cents": 1500, "tags": ["tea"],
     "description": "Twelve loose-leaf teas, from sencha to lapsang souchong."},
    {"id": 6, "name": "Milk Frother", "price_cents": 2999, "tags": ["coffee"],
     "description": "Hot or cold foam in under a minute."},
]  # fmt: skip
PRODUCTS: dict[int, dict[str, Any]] = {p["id"]: p for p in CATALOG}

MAX_QUERY = 200  # characters of a search query that reach the renderer


class RendererUnavailable(Exception):
    """No renderer became free (or came back from a restart) in time."""


@dataclass
class Page:
    html: str
    title: str


class Renderers:
    """``count`` renderer contexts on one pool; each serves one request at a time.

    A request borrows an idle renderer from an asyncio queue and gives it back
    when its page is done, so the DOM query that follows ``render`` reads that
    request's page and no other. The renderers are registered by name under the
    pool's supervisor: ``pool.whereis(name)`` is always the current incarnation.
    """

    def __init__(self, count: int, *, timeout: float, memory_limit: int) -> None:
        self.timeout = timeout
        self.pool = actors.ContextPool(size=count)
        self.names = [f"renderer-{i}" for i in range(count)]
        try:
            for name in self.names:
                self.pool.spawn(
                    apis=["dom"],
                    script=COMPONENTS,
                    memory_limit=memory_limit,
                    timeout=timeout,
                    restart="permanent",
                    name=name,
                )
        except BaseException:
            self.pool.stop()
            raise
        self._idle: asyncio.Queue[str] = asyncio.Queue()
        for name in self.names:
            self._idle.put_nowait(name)

    async def render(self, route: str, props: dict[str, Any]) -> Page:
        async with self._borrow() as ctx:
            page_html = await ctx.call_async("render", route, props, timeout=self.timeout)
            title = await ctx.dom_text_async("title")
        return Page(page_html, title)

    @contextlib.asynccontextmanager
    async def _borrow(self) -> AsyncIterator[actors.Context]:
        try:
            name = await asyncio.wait_for(self._idle.get(), timeout=self.timeout)
        except asyncio.TimeoutError:
            raise RendererUnavailable("every renderer stayed busy") from None
        try:
            yield await self._current(name)
        finally:
            self._idle.put_nowait(name)

    async def _current(self, name: str) -> actors.Context:
        # A crashed renderer is restarted by the pool's supervisor; between the
        # crash and the restart there is no live context under its name.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        while (ctx := self.pool.whereis(name)) is None or not ctx.alive:
            if loop.time() > deadline:
                raise RendererUnavailable(f"{name} did not come back")
            await asyncio.sleep(0.01)
        return ctx

    def stop(self) -> None:
        self.pool.stop()


# ---- responses ----------------------------------------------------------------------------------

HEADER_SAFE = "".join(c for c in string.punctuation if c != "%") + " "


def header_value(text: str) -> str:
    """``text`` fit for an HTTP header: whitespace runs (CR and LF too) become
    one space and anything outside printable ASCII is percent-encoded."""
    return quote(" ".join(text.split()), safe=HEADER_SAFE)


def error_page(status: int, heading: str, detail: str, error: str) -> HTMLResponse:
    # Built in Python: the renderer is what just failed.
    body = (
        f"<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8><title>{status} {html.escape(heading)}"
        f"</title></head><body><h1>{html.escape(heading)}</h1><p>{html.escape(detail)}</p></body></html>"
    )
    return HTMLResponse(body, status, headers={"X-Render-Error": error})


async def respond(request: Request, route: str, props: dict[str, Any], status: int = 200) -> Response:
    renderers: Renderers = request.app.state.renderers
    try:
        page = await renderers.render(route, props)
    except actors.JSError as exc:  # a component threw: its stack is for the log, not the client
        log.error("rendering %s failed: %s\n%s", request.url.path, exc, (exc.stack or "").rstrip())
        return error_page(500, "Something went wrong", "This page could not be rendered.", "JSError")
    except actors.LimitError as exc:  # EvalTimeoutError, MemoryLimitError, ReductionLimitError
        log.error("rendering %s hit a limit: %r", request.url.path, exc)
        name = type(exc).__name__
        return error_page(500, "Something went wrong", "This page could not be rendered.", name)
    except (RendererUnavailable, actors.ContextDeadError) as exc:
        log.warning("no renderer for %s: %r", request.url.path, exc)
        return error_page(503, "Busy", "Please try again in a moment.", type(exc).__name__)
    return HTMLResponse(page.html, status, headers={"X-Page-Title": header_value(page.title)})


# ---- routes ---------------------------------------------------------------------------------------


async def home(request: Request) -> Response:
    return await respond(request, "home", {"products": list(PRODUCTS.values())})


async def product(request: Request) -> Response:
    item = PRODUCTS.get(request.path_params["product_id"])
    if item is None:
        return await not_found(request, HTTPException(404))
    return await respond(request, "product", {"product": item})


def searchable(product: dict[str, Any]) -> str:
    return " ".join([product["name"], product["description"], *product["tags"]]).casefold()


async def search(request: Request) -> Response:
    query = request.query_params.get("q", "").strip()[:MAX_QUERY]
    words = query.casefold().split()
    results = [p for p in PRODUCTS.values() if words and all(w in searchable(p) for w in words)]
    return await respond(request, "search", {"query": query, "results": results})


async def boom(request: Request) -> Response:
    return await respond(request, "broken", {"failure": request.query_params.get("kind", "throw")})


async def not_found(request: Request, exc: Exception) -> Response:
    return await respond(request, "notFound", {"path": request.url.path}, status=404)


def create_app(
    renderers: int | None = None, *, timeout: float = 2.0, memory_limit: int = 32 << 20
) -> Starlette:
    """The ASGI app. Its renderer pool starts with the server and stops with it.

    Args:
        renderers: renderer contexts (and native threads), default one per core.
        timeout: seconds a request may wait for a renderer, and again for its page.
        memory_limit: bytes of JS heap per renderer.
    """
    count = renderers or os.cpu_count() or 1

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Starting and stopping contexts blocks (scripts run, workers join): off the loop.
        app.state.renderers = await asyncio.to_thread(
            Renderers, count, timeout=timeout, memory_limit=memory_limit
        )
        log.info("%d renderer context(s) ready", count)
        try:
            yield
        finally:
            await asyncio.to_thread(app.state.renderers.stop)

    return Starlette(
        routes=[
            Route("/", home),
            Route("/products/{product_id:int}", product),
            Route("/search", search),
            Route("/boom", boom),
        ],
        exception_handlers={404: not_found},
        lifespan=lifespan,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description="Serve pages rendered by JS components in actors contexts.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--renderers", type=int, default=None, help="default: one per core")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    print(f"serving on http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    # ws="none": the app has no websocket routes; uvicorn.run returns on Ctrl+C.
    uvicorn.run(create_app(args.renderers), host=args.host, port=args.port, ws="none", log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
