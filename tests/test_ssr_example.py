"""examples/ssr.py: JS components render pages in a pool of contexts behind a real
uvicorn server, fetched here over loopback with httpx."""

from __future__ import annotations

import asyncio
import html
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import httpx
import pytest
from waiting import wait_until

if TYPE_CHECKING:
    from starlette.applications import Starlette

uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "ssr.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ssr_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


ssr = load_example()
PRODUCTS = list(ssr.PRODUCTS.values())


class ParsedPage(HTMLParser):
    """What a browser would see: the start tags, the text of each element, the attributes."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("meta", "input"):  # void elements have no end tag
            self._open.append(tag)
            self.texts.setdefault(tag, []).append("")

    def handle_endtag(self, tag: str) -> None:
        assert self._open and self._open[-1] == tag, f"</{tag}> closes <{self._open[-1:]}>"
        self._open.pop()

    def handle_data(self, data: str) -> None:
        for tag in set(self._open):
            self.texts[tag][-1] += data

    def text(self, tag: str, index: int = 0) -> str:
        return self.texts[tag][index]

    def attrs(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]


def listening_socket() -> socket.socket:
    # IPPROTO_TCP, not the default 0: asyncio turns Nagle's algorithm off only on
    # sockets that say they are TCP, and without that every response on a
    # kept-alive connection waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def free_port() -> int:
    with listening_socket() as sock:
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def app(pool_mode: str) -> Starlette:
    """The example app with two renderers (started by ``base_url``)."""
    app: Starlette = ssr.create_app(2)
    return app


@pytest.fixture(scope="module")
def base_url(app: Starlette) -> Iterator[str]:
    """``app`` served by uvicorn in a thread."""
    sock = listening_socket()
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws="none", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
    thread.start()
    try:
        assert wait_until(lambda: server.started or not thread.is_alive(), timeout=60)
        assert server.started, "the server did not start (see the log)"
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(60)
        sock.close()
    assert not thread.is_alive(), "the server did not stop"


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as c:
        yield c


def test_the_home_page_lists_every_product_from_python(client: httpx.Client) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert r.text.startswith('<!DOCTYPE html>\n<html lang="en"><head>')
    page = ParsedPage(r.text)
    assert page.text("title") == "Acme Shop"
    assert page.text("h1") == "All products"
    assert page.texts["h2"] == [p["name"] for p in PRODUCTS]
    assert [a["data-id"] for a in page.attrs("article")] == [str(p["id"]) for p in PRODUCTS]
    assert "Salt &amp; Pepper Grinder" in r.text
    assert "Cast Iron Pan &lt;28 cm&gt;" in r.text
    assert '<p class="price">$249.00</p>' in r.text
    assert '<a href="/" class="active">Home</a>' in r.text


def test_the_page_title_header_is_read_from_the_document_by_the_host(client: httpx.Client) -> None:
    assert client.get("/").headers["x-page-title"] == "Acme Shop"
    r = client.get("/products/4")
    assert r.status_code == 200
    assert r.headers["x-page-title"] == "Cast Iron Pan <28 cm> | Acme Shop"
    assert ParsedPage(r.text).text("title") == "Cast Iron Pan <28 cm> | Acme Shop"


def test_a_product_page_shows_that_product(client: httpx.Client) -> None:
    r = client.get("/products/2")
    assert r.status_code == 200
    page = ParsedPage(r.text)
    assert page.text("h1") == "Salt & Pepper Grinder"
    assert page.text("p", 1) == "Two ceramic burrs, one for each. Refillable from the top."
    assert [a["class"] for a in page.attrs("article")] == ["product-card detail"]
    assert "<li>kitchen</li>" in r.text
    assert "Espresso Machine" not in r.text


@pytest.mark.parametrize("path", ["/products/99", "/products/nope", "/no/such/page"])
def test_unknown_pages_are_404s_rendered_by_the_components(client: httpx.Client, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 404
    assert r.headers["x-page-title"] == "Not found | Acme Shop"
    assert f"There is no page at {path}." in ParsedPage(r.text).text("main")


def test_search_finds_products_by_name_description_and_tag(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": "coffee"})
    assert r.status_code == 200
    page = ParsedPage(r.text)
    assert page.texts["h2"] == ["Espresso Machine", "Pour-Over Kettle", "Milk Frother"]
    assert page.text("p") == "3 products"
    r = client.get("/search", params={"q": "nothing like it"})
    assert ParsedPage(r.text).text("p", 1) == "Nothing matches “nothing like it”."


def test_an_untrusted_search_query_comes_out_as_text(client: httpx.Client) -> None:
    query = '<script>alert("pwned")</script><img src=x onerror=alert(1)>'
    r = client.get("/search", params={"q": query})
    assert r.status_code == 200
    page = ParsedPage(r.text)
    assert [tag for tag, _ in page.tags if tag in ("script", "img")] == []
    assert page.text("h1") == f"Results for “{query}”"
    assert page.text("title") == f"Search: {query} | Acme Shop"
    assert [i["value"] for i in page.attrs("input")] == [query]
    assert f"Results for “{html.escape(query, quote=False)}”" in r.text
    assert "&lt;script&gt;alert(" in r.text
    assert r.headers["x-page-title"] == f"Search: {query} | Acme Shop"


def test_the_title_header_cannot_be_used_to_inject_headers(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": "a\r\nSet-Cookie: session=stolen"})
    assert r.status_code == 200
    assert "set-cookie" not in r.headers
    assert r.headers["x-page-title"] == "Search: a Set-Cookie: session=stolen | Acme Shop"
    r = client.get("/search", params={"q": "café 100%"})
    assert r.headers["x-page-title"] == "Search: caf%C3%A9 100%25 | Acme Shop"
    assert ParsedPage(r.text).text("h1") == "Results for “café 100%”"


@pytest.mark.parametrize(
    ("kind", "error"),
    [("throw", "JSError"), ("loop", "EvalTimeoutError"), ("memory", "MemoryLimitError")],
)
def test_a_failing_render_is_a_500_page_and_the_renderers_keep_serving(
    client: httpx.Client, kind: str, error: str
) -> None:
    r = client.get("/boom", params={"kind": kind})
    assert r.status_code == 500
    assert r.headers["x-render-error"] == error
    assert "x-page-title" not in r.headers
    page = ParsedPage(r.text)
    assert page.text("h1") == "Something went wrong"
    assert page.text("p") == "This page could not be rendered."
    assert "TypeError" not in r.text and "ssr_components.js" not in r.text  # no stack for the client
    for product in PRODUCTS:  # more requests than renderers: every one of them serves again
        ok = client.get(f"/products/{product['id']}")
        assert ok.status_code == 200
        assert ok.headers["x-page-title"] == f"{product['name']} | Acme Shop"


def test_a_killed_renderer_is_replaced_and_no_request_fails(
    app: Starlette, base_url: str, client: httpx.Client
) -> None:
    pool = app.state.renderers.pool
    old = pool.whereis("renderer-0")
    old.kill()
    for product in PRODUCTS:  # more requests than renderers: renderer-0 serves some of them
        r = client.get(f"/products/{product['id']}")
        assert r.status_code == 200
        assert r.headers["x-page-title"] == f"{product['name']} | Acme Shop"
    new = pool.whereis("renderer-0")
    assert old.exit_reason == "killed"
    assert new is not old and new.alive
    assert sorted(ctx.name for ctx in pool.contexts()) == ["renderer-0", "renderer-1"]


def test_fifty_concurrent_requests_each_get_their_own_page(base_url: str) -> None:
    expected: list[tuple[str, str, str]] = []  # path, title, h1
    for i in range(50):
        product = PRODUCTS[i % len(PRODUCTS)]
        expected += [
            ("/", "Acme Shop", "All products"),
            (f"/products/{product['id']}", f"{product['name']} | Acme Shop", product["name"]),
            (f"/search?q=%3Ci%3E{i}", f"Search: <i>{i} | Acme Shop", f"Results for “<i>{i}”"),
        ][i % 3 : i % 3 + 1]

    async def fetch_all() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as c:
            return await asyncio.gather(*(c.get(path) for path, _, _ in expected))

    responses = asyncio.run(fetch_all())
    for (path, title, h1), r in zip(expected, responses, strict=True):
        assert r.status_code == 200, path
        assert r.headers["x-page-title"] == title, path
        page = ParsedPage(r.text)
        assert page.text("title") == title, path  # the header and the body describe the same page
        assert page.text("h1") == h1, path


@pytest.mark.mode_independent
def test_the_example_has_a_one_paragraph_docstring() -> None:
    source = EXAMPLE.read_text(encoding="utf-8")
    assert source.startswith('"""')
    docstring = source.split('"""')[1].strip()
    assert len(docstring.split("\n\n")) == 1
    for name in ("ContextPool", "call_async", "dom_text_async", "restart=", "python examples/ssr.py"):
        assert name in docstring.replace("\n", " ")


def test_the_script_serves_on_the_port_it_prints_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    stderr_path = tmp_path / "stderr.txt"
    port = free_port()
    with (
        stderr_path.open("w") as stderr,
        subprocess.Popen(
            [sys.executable, str(EXAMPLE), "--port", str(port), "--renderers", "1"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            env=env,
            cwd=ROOT,
        ) as proc,
    ):
        try:
            lines: list[str] = []
            reader = threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True)
            reader.start()
            assert wait_until(lambda: bool(lines) or proc.poll() is not None, timeout=30)
            url = f"http://127.0.0.1:{port}/"
            assert lines and lines[0].startswith(f"serving on {url} "), lines

            def home_is_served() -> bool:
                try:
                    return httpx.get(url, timeout=5).status_code == 200
                except httpx.TransportError:
                    return proc.poll() is not None  # stop waiting if the server died

            assert wait_until(home_is_served, timeout=60)
            r = httpx.get(url + "products/3", timeout=5)
            assert r.headers["x-page-title"] == "Pour-Over Kettle | Acme Shop"
            proc.send_signal(signal.SIGINT)
            assert proc.wait(timeout=60) == 0
            reader.join(10)
        finally:
            if proc.poll() is None:
                proc.kill()
    log = stderr_path.read_text()
    assert "1 renderer context(s) ready" in log
    assert "Application shutdown complete" in log
