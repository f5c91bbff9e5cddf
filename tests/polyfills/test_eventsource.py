"""EventSource against a real loopback server-sent events server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from servers import LoopbackServer, QuietHandler, serving
from waiting import WAIT, wait_for, wait_js

import actors
from actors.apis import eventsource as eventsource_group
from actors.apis.eventsource import EventStreamParser


class _Server(LoopbackServer):
    def __init__(self) -> None:
        super().__init__(_Handler)
        self.hits: dict[str, list[str | None]] = {}  # tag -> Last-Event-ID of each connection

    def hit(self, tag: str, last_id: str | None) -> int:
        with self.lock:
            seen = self.hits.setdefault(tag, [])
            seen.append(last_id)
            return len(seen)


class _Handler(QuietHandler):
    server: _Server
    # HTTP/1.0: the body ends when the connection closes

    def _start(self, ctype: str = "text/event-stream", status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    def _hold(self, tag: str, seconds: float = 10.0) -> None:
        """Keep the stream open until the client goes away (then set the flag ``tag``)."""
        self.client_gone(seconds)
        self.server.flag(tag).set()

    def do_GET(self) -> None:
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        tag = q.get("tag", u.path)
        n = self.server.hit(tag, self.headers.get("Last-Event-ID"))
        if u.path == "/basic":
            self._start("text/event-stream; charset=utf-8")
            self.wfile.write(
                b"retry: 50\n\n"
                b"data: hello\n\n"
                b"data: line1\ndata: line2\ndata\n\n"
                b"event: ping\ndata: p\n\n"
                b": a comment\nid: 7\ndata: with id\n\n"
                b"data: after id\n\n"
                b"event: done\ndata: \xc3\xa9t\xc3\xa9\n\n"
            )
            self._hold(tag)
        elif u.path == "/formats":
            self._start()
            # BOM, CRLF / CR / LF line ends, one leading space stripped, no-colon field,
            # an id with NUL ignored, unknown fields and bad retry ignored, empty data dispatched
            self.wfile.write(
                b"\xef\xbb\xbfdata:no space\r\n\r\n"
                b"data:  two spaces\r\rdata: cr\r\r"
                b"id: a\0b\ndata: nul id\n\n"
                b"foo: bar\nretry: 12x\ndata: x\n\n"
                b"data\ndata\n\n"
                b"event: end"
            )
            self.wfile.flush()
            time.sleep(0.05)
            self.wfile.write(b"\r")  # a CR at a chunk boundary, its LF in the next chunk
            self.wfile.flush()
            time.sleep(0.05)
            self.wfile.write(b"\ndata: end\n\n")
            self._hold(tag)
        elif u.path == "/reconnect":
            self._start()
            if n == 1:
                self.wfile.write(b"retry: 50\nid: 1\ndata: first\n\nid: 2\ndata: second\n\ndata: partial")
                return  # the stream ends: the client reconnects
            if n == 2:
                self.wfile.write(b"data: third\n\nid\ndata: id reset\n\n")
                return
            self.wfile.write(b"data: fourth\n\n")
            self._hold(tag)
        elif u.path == "/slowretry":
            self._start()
            self.wfile.write(b"retry: 600\ndata: one\n\n")
        elif u.path == "/wrongtype":
            self._start("text/plain")
            self.wfile.write(b"data: nope\n\n")
        elif u.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/basic?tag=redirected")
            self.end_headers()
        elif u.path == "/hold":
            self._start()
            self.wfile.write(f"retry: 50\ndata: hi {q.get('i', '')}\n\n".encode())
            self._hold(tag)
        else:
            self._start("text/plain", 404)
            self.wfile.write(b"not found")


@pytest.fixture(scope="module")
def server(pool_mode: str) -> Iterator[_Server]:
    # one per mode: the counters and flags of one mode's tests are not the other's
    with serving(_Server()) as srv:
        yield srv


@pytest.fixture
def ectx(group_context: Callable[..., actors.Context]) -> actors.Context:
    return group_context("eventsource")


def streams_ended(ctx: actors.Context) -> None:
    """Wait until the EventSource service of ``ctx``'s pool runs no stream task.

    Each EventSource is one task on the service's loop that reconnects after
    ``retry``: once none is left, no reconnection can come.
    """
    loop = eventsource_group._service(ctx)._loop

    async def others() -> int:
        return len(asyncio.all_tasks() - {asyncio.current_task()})

    wait_for(
        lambda: asyncio.run_coroutine_threadsafe(others(), loop).result(WAIT) == 0,
        what="the EventSource tasks to end",
    )


LISTEN = """globalThis.got = []; globalThis.states = [];
globalThis.es = new EventSource('%s');
es.onopen = (e) => { got.push(['open', es.readyState]); };
es.onmessage = (e) => { got.push([e.type, e.data, e.lastEventId, e.origin]); };
es.onerror = (e) => { got.push(['error', es.readyState]); };
for (const t of ['ping', 'done', 'end'])
  es.addEventListener(t, (e) => got.push([e.type, e.data, e.lastEventId]));
0"""


def test_messages_named_events_multiline(ectx: actors.Context, base: str, server: _Server) -> None:
    ectx.eval(LISTEN % f"{base}/basic")
    assert ectx.eval("[es.readyState, es.url, es.withCredentials, es.CONNECTING, EventSource.CLOSED]") == [
        0,
        f"{base}/basic",
        False,
        0,
        2,
    ]
    wait_js(ectx, "got.some((x) => x[0] === 'done')", show="got")
    origin = base
    assert ectx.eval("got") == [
        ["open", 1],
        ["message", "hello", "", origin],
        ["message", "line1\nline2\n", "", origin],
        ["ping", "p", ""],
        ["message", "with id", "7", origin],
        ["message", "after id", "7", origin],
        ["done", "été", "7"],
    ]
    assert ectx.eval("[es.readyState, Object.prototype.toString.call(es)]") == [1, "[object EventSource]"]
    ectx.eval("es.close(); 0")
    assert ectx.eval("es.readyState") == 2
    assert server.flag("/basic").wait(3), "the server never saw the client go away"


def test_its_message_events_are_the_channel_groups_message_event_class(
    pool: actors.ContextPool, base: str
) -> None:
    c = pool.spawn(apis="browser")
    c.eval(
        f"""globalThis.Original = MessageEvent;
        globalThis.MessageEvent = class Fake {{}};  // a script's own global is never used
        globalThis.got = [];
        globalThis.es = new EventSource('{base}/basic');
        es.onmessage = (e) => got.push([Object.getPrototypeOf(e) === Original.prototype, e instanceof Event]);
        0"""
    )
    wait_js(c, "got.length >= 2")
    assert c.eval("es.close(); got.slice(0, 2)") == [[True, True], [True, True]]


def test_line_endings_bom_and_fields(ectx: actors.Context, base: str) -> None:
    ectx.eval(LISTEN % f"{base}/formats")
    wait_js(ectx, "got.some((x) => x[0] === 'end')", show="got")
    assert [x[:3] for x in ectx.eval("got")] == [
        ["open", 1],
        ["message", "no space", ""],
        ["message", " two spaces", ""],
        ["message", "cr", ""],
        ["message", "nul id", ""],
        ["message", "x", ""],
        ["message", "\n", ""],
        ["end", "end", ""],
    ]
    ectx.eval("es.close(); 0")


def test_reconnect_with_last_event_id(ectx: actors.Context, base: str, server: _Server) -> None:
    t0 = time.monotonic()
    ectx.eval(LISTEN.replace("'%s'", f"'{base}/reconnect?tag=rc'"))
    wait_js(ectx, "got.some((x) => x[1] === 'fourth')", show="got")
    assert time.monotonic() - t0 < 3  # retry: 50 was honoured
    assert [x[:3] for x in ectx.eval("got")] == [
        ["open", 1],
        ["message", "first", "1"],
        ["message", "second", "2"],
        ["error", 0],  # the stream ended: CONNECTING again, the partial event dropped
        ["open", 1],
        ["message", "third", "2"],
        ["message", "id reset", ""],
        ["error", 0],
        ["open", 1],
        ["message", "fourth", ""],
    ]
    assert server.hits["rc"] == [None, "2", None]  # an empty id sends no Last-Event-ID
    ectx.eval("es.close(); 0")
    assert server.flag("rc").wait(3)


def test_retry_delay_is_used(ectx: actors.Context, base: str, server: _Server) -> None:
    ectx.eval(LISTEN.replace("'%s'", f"'{base}/slowretry?tag=slow'"))
    wait_js(ectx, "got.some((x) => x[0] === 'error')", show="got")
    t0 = time.monotonic()
    wait_js(ectx, "got.filter((x) => x[0] === 'open').length === 2", show="got")
    waited = time.monotonic() - t0
    assert 0.4 < waited < 3, waited
    assert len(server.hits["slow"]) >= 2
    ectx.eval("es.close(); 0")


@pytest.mark.parametrize("path", ["/missing", "/wrongtype"])
def test_bad_response_fails_without_reconnecting(
    ectx: actors.Context, base: str, server: _Server, path: str
) -> None:
    tag = f"fail{path.replace('/', '-')}"
    ectx.eval(LISTEN.replace("'%s'", f"'{base}{path}?tag={tag}'"))
    wait_js(ectx, "got.length > 0", show="got")
    assert ectx.eval("[got, es.readyState]") == [[["error", 2]], 2]
    streams_ended(ectx)  # (a reconnection would come after 'retry'; none must come)
    assert len(server.hits[tag]) == 1
    assert ectx.eval("got.length") == 1


def test_redirect_is_followed(ectx: actors.Context, base: str, server: _Server) -> None:
    ectx.eval(LISTEN % f"{base}/redirect")
    wait_js(ectx, "got.some((x) => x[0] === 'done')", show="got")
    assert ectx.eval("[got[1], es.url]") == [["message", "hello", "", base], f"{base}/redirect"]
    ectx.eval("es.close(); 0")
    assert server.flag("redirected").wait(3)


def test_close_stops_it(ectx: actors.Context, base: str, server: _Server) -> None:
    ectx.eval(LISTEN.replace("'%s'", f"'{base}/hold?tag=close1'"))
    wait_js(ectx, "got.length >= 2", show="got")
    ectx.eval("es.close(); es.close(); 0")
    assert server.flag("close1").wait(3), "the server never saw the client go away"
    streams_ended(ectx)
    assert len(server.hits["close1"]) == 1
    assert ectx.eval("[es.readyState, got.length]") == [2, 2]


def test_close_from_a_listener_drops_the_rest(ectx: actors.Context, base: str, server: _Server) -> None:
    ectx.eval(
        f"""globalThis.got = []; globalThis.es = new EventSource('{base}/basic?tag=close2');
        es.onmessage = (e) => {{ got.push(e.data); es.close(); }}; 0"""
    )
    wait_js(ectx, "got.length > 0", show="got")
    assert server.flag("close2").wait(3)
    assert ectx.eval("[got, es.readyState]") == [["hello"], 2]


def test_context_stop_disconnects(pool: actors.ContextPool, base: str, server: _Server) -> None:
    c = pool.spawn(apis=["eventsource"])
    c.eval(LISTEN.replace("'%s'", f"'{base}/hold?tag=ctxstop'"))
    wait_js(c, "got.length >= 2", show="got")
    c.stop()
    assert server.flag("ctxstop").wait(3)


def test_constructor_errors_and_init(ectx: actors.Context, base: str) -> None:
    got = ectx.eval(
        f"""const out = [];
        for (const u of ['not a url', '/relative']) {{
          try {{ new EventSource(u); out.push('ok'); }}
          catch (e) {{ out.push([e.name, e instanceof DOMException]); }} }}
        try {{ new EventSource(); }} catch (e) {{ out.push(e.name); }}
        const w = new EventSource('{base}/hold?tag=init', {{ withCredentials: true }});
        out.push(w.withCredentials, w.onmessage, typeof EventSource.prototype.close); w.close();
        out"""
    )
    assert got == [["SyntaxError", True], ["SyntaxError", True], "TypeError", True, None, "function"]


def test_fetch_policy_refusal(base: str, server: _Server) -> None:
    seen: list[str] = []

    def policy(_ctx: actors.Context, method: str, url: str) -> bool:
        seen.append(f"{method} {url}")
        return "blocked" not in url

    with actors.ContextPool(size=1, fetch_policy=policy) as p:
        c = p.spawn(apis=["eventsource"])
        c.eval(LISTEN.replace("'%s'", f"'{base}/hold?tag=blocked'"))
        wait_js(c, "got.length > 0", show="got")
        assert c.eval("[got, es.readyState]") == [[["error", 2]], 2]
    assert "blocked" not in server.hits
    assert seen == [f"GET {base}/hold?tag=blocked"]


def test_many_contexts_listening(pool: actors.ContextPool, base: str, server: _Server) -> None:
    ctxs = [pool.spawn(apis=["eventsource"]) for _ in range(20)]
    try:
        for i, c in enumerate(ctxs):
            c.eval(
                f"""globalThis.got = [];
                globalThis.sources = [0, 1].map(
                  (k) => new EventSource('{base}/hold?tag=many-{i}-' + k + '&i={i}'));
                for (const s of sources) s.onmessage = (e) => got.push(e.data); 0"""
            )
        for i, c in enumerate(ctxs):
            wait_js(c, "got.length === 2", timeout=10, show="got")
            assert c.eval("got") == [f"hi {i}", f"hi {i}"]
        for c in ctxs:
            c.eval("sources.forEach((s) => s.close()); 0")
        for i in range(len(ctxs)):
            for k in (0, 1):
                assert server.flag(f"many-{i}-{k}").wait(5)
    finally:
        for c in ctxs:
            c.stop()


def test_pool_stop_with_streams_open(base: str, server: _Server) -> None:
    p = actors.ContextPool(size=1)
    c = p.spawn(apis=["eventsource"])
    c.eval(LISTEN.replace("'%s'", f"'{base}/hold?tag=poolstop'"))
    wait_js(c, "got.length >= 2", show="got")
    t0 = time.monotonic()
    p.stop()
    assert time.monotonic() - t0 < 5
    assert server.flag("poolstop").wait(3)


def test_parser_chunking() -> None:
    stream = b"\xef\xbb\xbfid: 5\r\ndata: \xc3\xa9\r\n\r\nevent: x\rdata: a\r\rdata: b\n\n"
    whole = EventStreamParser().feed(stream)
    assert whole == [("message", "é", "5"), ("x", "a", "5"), ("message", "b", "5")]
    for size in (1, 2, 3):
        p = EventStreamParser()
        out: list[tuple[str, str, str]] = []
        for i in range(0, len(stream), size):
            out += p.feed(stream[i : i + size])
        assert out == whole, size
