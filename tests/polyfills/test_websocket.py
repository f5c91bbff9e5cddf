"""WebSocket / CloseEvent against a real loopback ``websockets`` server."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

import actors

# JS helpers: promises for the next open / close of a socket (the eval timeout is the deadline)
JS = """
const opened = (ws) => new Promise((res, rej) => {
  ws.addEventListener('open', () => res(), { once: true });
  ws.addEventListener('close', (e) => rej(new Error('closed before open: ' + e.code)), { once: true });
});
const closed = (ws) => new Promise((res) => {
  if (ws.readyState === WebSocket.CLOSED) throw new Error('already closed');
  const events = [];
  ws.addEventListener('error', () => events.push('error'));
  ws.addEventListener('close', (e) => { events.push('close'); res([e.code, e.reason, e.wasClean, events]); });
});
const until = (cond, ms = 5000) => new Promise((res, rej) => {
  const t0 = Date.now();
  const tick = () => {
    if (cond()) res(); else if (Date.now() - t0 > ms) rej(new Error('timeout')); else setTimeout(tick, 5);
  };
  tick();
});
"""


class _WSServer:
    """An echo server (and a few more routes) on its own loop in a background thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.closed: dict[str, threading.Event] = {}
        self.close_codes: dict[str, int | None] = {}
        self.server: Server | None = None
        ready = threading.Event()

        def run() -> None:
            asyncio.set_event_loop(self.loop)

            async def start() -> None:
                self.server = await serve(
                    self.handler, "127.0.0.1", 0, select_subprotocol=self.select, ping_interval=None
                )
                ready.set()

            self.loop.run_until_complete(start())
            self.loop.run_forever()

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()
        assert ready.wait(5)
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        self.base = f"ws://127.0.0.1:{self.port}"

    def flag(self, tag: str) -> threading.Event:
        return self.closed.setdefault(tag, threading.Event())

    @staticmethod
    def select(_conn: ServerConnection, offered: Any) -> Subprotocol | None:
        for p in offered:
            if p in ("chat", "superchat"):
                return Subprotocol(p)
        return None

    async def handler(self, conn: ServerConnection) -> None:
        assert conn.request is not None
        url = urlparse(conn.request.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        try:
            if url.path == "/echo":
                async for msg in conn:
                    await conn.send(msg)
            elif url.path == "/proto":
                await conn.send(conn.subprotocol or "")
                await conn.wait_closed()
            elif url.path == "/close":
                await conn.send("bye soon")
                await conn.close(int(q["code"]), q.get("reason", ""))
            elif url.path == "/track":
                await conn.send("hello")
                await conn.wait_closed()
            elif url.path == "/count":
                for i in range(int(q["n"])):
                    await conn.send(str(i))
                await conn.wait_closed()
        except ConnectionClosed:
            pass
        finally:
            tag = q.get("tag")
            if tag:
                self.close_codes[tag] = conn.close_code
                self.flag(tag).set()

    def stop(self) -> None:
        async def shut() -> None:
            assert self.server is not None
            self.server.close()
            await self.server.wait_closed()

        asyncio.run_coroutine_threadsafe(shut(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        if not self.thread.is_alive():
            self.loop.close()


@pytest.fixture(scope="module")
def server(pool_mode: str) -> Iterator[_WSServer]:
    # one per mode: the counters and flags of one mode's tests are not the other's
    s = _WSServer()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def wctx(group_context: Callable[..., actors.Context]) -> actors.Context:
    return group_context("websocket")


def ev(c: actors.Context, code: str, timeout: float = 10.0) -> Any:
    return c.eval("{" + JS + code + "\n}", timeout=timeout)


def _refused_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port: int = s.getsockname()[1]
    s.close()
    return port


# ---- basics ------------------------------------------------------------------------------------


def test_shape_and_constants(wctx: actors.Context, server: _WSServer) -> None:
    got = ev(
        wctx,
        f"""const ws = new WebSocket('{server.base}/echo');
        const first = [ws.readyState, ws.url, ws.protocol, ws.extensions, ws.binaryType, ws.bufferedAmount];
        let sendErr; try {{ ws.send('x'); }} catch (e) {{ sendErr = e.name; }}
        await opened(ws);
        const c = closed(ws); ws.close();
        const res = await c;
        [first, sendErr, WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED,
         ws.OPEN, ws.readyState, res, typeof CloseEvent, new CloseEvent('close', {{ code: 3001 }}).code]""",
    )
    assert got[0] == [0, f"{server.base}/echo", "", "", "blob", 0]
    assert got[1] == "InvalidStateError"
    assert got[2:8] == [0, 1, 2, 3, 1, 3]
    assert got[8] == [1000, "", True, ["close"]]
    assert got[9:] == ["function", 3001]


def test_text_and_binary_echo(wctx: actors.Context, server: _WSServer) -> None:
    got = ev(
        wctx,
        f"""const ws = new WebSocket('{server.base}/echo'); ws.binaryType = 'arraybuffer';
        const got = [];
        ws.onmessage = (e) => got.push(e.data);
        await opened(ws);
        ws.send('héllo wörld');
        ws.send(new Uint8Array([0, 1, 2, 255]));
        ws.send(new Uint16Array([1, 2]).buffer);
        ws.send(new DataView(new Uint8Array([9, 8, 7]).buffer, 1, 2));
        ws.send(new Blob(['blob', new Uint8Array([33])]));
        ws.send('after blob');
        await until(() => got.length === 6);
        ws.close();
        got.map((d) => typeof d === 'string' ? d
          : [d instanceof ArrayBuffer, Array.from(new Uint8Array(d))])""",
    )
    assert got == [
        "héllo wörld",
        [True, [0, 1, 2, 255]],
        [True, [1, 0, 2, 0]],
        [True, [8, 7]],
        [True, list(b"blob!")],
        "after blob",
    ]


def test_blob_binary_type(wctx: actors.Context, server: _WSServer) -> None:
    got = ev(
        wctx,
        f"""const ws = new WebSocket('{server.base}/echo'); let data;
        ws.onmessage = (e) => {{ data = e.data; }};
        await opened(ws); ws.send(new Uint8Array([65, 66])); await until(() => data !== undefined);
        ws.close();
        [data instanceof Blob, await data.text()]""",
    )
    assert got == [True, "AB"]


def test_many_messages_in_order(wctx: actors.Context, server: _WSServer) -> None:
    got = ev(
        wctx,
        f"""const ws = new WebSocket('{server.base}/echo'); const got = [];
        ws.onmessage = (e) => got.push(e.data);
        await opened(ws);
        for (let i = 0; i < 2000; i++) ws.send(String(i));
        await until(() => got.length === 2000, 8000);
        ws.close();
        got.every((d, i) => d === String(i))""",
        timeout=12,
    )
    assert got is True
    # and server pushes arrive in order too
    got = ev(
        wctx,
        f"""const ws = new WebSocket('{server.base}/count?n=1000'); const got = [];
        ws.addEventListener('message', (e) => got.push(Number(e.data)));
        await until(() => got.length === 1000, 8000); ws.close();
        got.every((d, i) => d === i)""",
        timeout=12,
    )
    assert got is True


def test_buffered_amount_returns_to_zero(wctx: actors.Context, server: _WSServer) -> None:
    got = ev(
        wctx,
        f"""const ws = new WebSocket('{server.base}/echo'); let n = 0;
        ws.onmessage = () => {{ n++; }};
        await opened(ws);
        ws.send('abc'); ws.send(new Uint8Array(100000)); ws.send('é');
        const right = ws.bufferedAmount;
        await until(() => ws.bufferedAmount === 0 && n === 3);
        ws.close();
        [right, ws.bufferedAmount]""",
    )
    assert got == [3 + 100000 + 2, 0]


def test_subprotocol_negotiation(wctx: actors.Context, server: _WSServer) -> None:
    got = ev(
        wctx,
        f"""const out = [];
        for (const protos of [['nope', 'superchat', 'chat'], 'chat', undefined]) {{
          const ws = new WebSocket('{server.base}/proto', protos); let said;
          ws.onmessage = (e) => {{ said = e.data; }};
          await opened(ws); await until(() => said !== undefined);
          out.push([ws.protocol, said]); ws.close();
        }}
        let dup, bad;
        try {{ new WebSocket('{server.base}/proto', ['a', 'a']); }} catch (e) {{ dup = e.name; }}
        try {{ new WebSocket('{server.base}/proto', 'has space'); }} catch (e) {{ bad = e.name; }}
        [out, dup, bad]""",
    )
    assert got == [[["superchat", "superchat"], ["chat", "chat"], ["", ""]], "SyntaxError", "SyntaxError"]


def test_bad_urls(wctx: actors.Context, server: _WSServer) -> None:
    got = ev(
        wctx,
        f"""const out = [];
        for (const u of ['not a url', 'ftp://example.com/', '{server.base}/echo#frag']) {{
          try {{ new WebSocket(u); out.push('ok'); }} catch (e) {{ out.push(e.name); }} }}
        const h = new WebSocket('http://127.0.0.1:{server.port}/echo'); const url = h.url; h.close();
        [out, url]""",
    )
    assert got == [["SyntaxError", "SyntaxError", "SyntaxError"], f"{server.base}/echo"]


# ---- closing -----------------------------------------------------------------------------------


def test_server_initiated_close(wctx: actors.Context, server: _WSServer) -> None:
    got = ev(
        wctx,
        f"""const ws = new WebSocket('{server.base}/close?code=4321&reason=server%20says%20bye');
        const msgs = []; ws.onmessage = (e) => msgs.push(e.data);
        const c = closed(ws); let onclose;
        ws.onclose = (e) => {{ onclose = e instanceof CloseEvent; }};
        const res = await c;
        [res, msgs, ws.readyState, onclose]""",
    )
    assert got == [[4321, "server says bye", True, ["close"]], ["bye soon"], 3, True]


def test_client_close_codes(wctx: actors.Context, server: _WSServer) -> None:
    for code, reason in ((1000, "done"), (3000, ""), (4999, "ünïcode")):
        tag = f"client{code}"
        got = ev(
            wctx,
            f"""const ws = new WebSocket('{server.base}/track?tag={tag}');
            await opened(ws); const c = closed(ws); ws.close({code}, {reason!r});
            const state = ws.readyState; ws.close(); ws.send('ignored');
            [state, await c]""",
        )
        assert got == [2, [code, reason, True, ["close"]]]
        assert server.flag(tag).wait(5)
        assert server.close_codes[tag] == code


def test_invalid_close_arguments(wctx: actors.Context, server: _WSServer) -> None:
    got = ev(
        wctx,
        f"""const ws = new WebSocket('{server.base}/echo'); await opened(ws);
        const out = [];
        for (const args of [[1001], [2999], [5000], [0], [1000, 'x'.repeat(124)], [1000, 'é'.repeat(62)]]) {{
          try {{ ws.close(...args); out.push('ok'); }} catch (e) {{ out.push(e.name); }} }}
        const state = ws.readyState;
        const c = closed(ws); ws.close(1000, 'é'.repeat(61)); const res = await c;
        [out, state, res]""",
    )
    assert got == [
        ["InvalidAccessError"] * 4 + ["SyntaxError", "SyntaxError"],
        1,
        [1000, "é" * 61, True, ["close"]],
    ]


def test_close_while_connecting_fails_the_connection(wctx: actors.Context, server: _WSServer) -> None:
    got = ev(
        wctx,
        f"""const ws = new WebSocket('{server.base}/echo'); let didOpen = false;
        ws.onopen = () => {{ didOpen = true; }};
        const c = closed(ws); ws.close(); const state = ws.readyState;
        [state, await c, didOpen]""",
    )
    assert got == [2, [1006, "", False, ["error", "close"]], False]


def test_connection_refused(wctx: actors.Context) -> None:
    got = ev(
        wctx,
        f"""const ws = new WebSocket('ws://127.0.0.1:{_refused_port()}/');
        let onerror = 0; ws.onerror = (e) => {{ onerror++; }};
        [await closed(ws), onerror, ws.readyState]""",
    )
    assert got == [[1006, "", False, ["error", "close"]], 1, 3]


def test_fetch_policy(server: _WSServer) -> None:
    seen: list[tuple[str, str]] = []

    def policy(_ctx: Any, method: str, url: str) -> bool:
        seen.append((method, url))
        return "/track" not in url

    with actors.ContextPool(size=1, fetch_policy=policy) as p:
        c = p.spawn(apis=["websocket"])
        got = ev(
            c,
            f"""const ok = new WebSocket('{server.base}/echo'); await opened(ok); ok.close();
            const no = new WebSocket('{server.base}/track?tag=policy');
            [await closed(no)]""",
        )
    assert got == [[1006, "", False, ["error", "close"]]]
    assert ("GET", f"{server.base}/echo") in seen
    assert ("GET", f"{server.base}/track?tag=policy") in seen
    assert not server.flag("policy").is_set()


# ---- contexts ----------------------------------------------------------------------------------


def test_context_stopped_with_open_socket(pool: actors.ContextPool, server: _WSServer) -> None:
    c = pool.spawn(apis=["websocket"])
    ev(c, f"globalThis.ws = new WebSocket('{server.base}/track?tag=stopped'); await opened(ws); 0")
    assert not server.flag("stopped").is_set()
    c.stop()
    assert server.flag("stopped").wait(5), "the server never saw the socket of a stopped context close"
    assert server.close_codes["stopped"] == 1001


def test_pool_stop_with_open_socket(server: _WSServer) -> None:
    p = actors.ContextPool(size=1)
    c = p.spawn(apis=["websocket"])
    ev(c, f"globalThis.ws = new WebSocket('{server.base}/track?tag=poolstop'); await opened(ws); 0")
    t0 = time.monotonic()
    p.stop()
    assert time.monotonic() - t0 < 5
    assert server.flag("poolstop").wait(5)


def test_many_contexts_at_once(pool: actors.ContextPool, server: _WSServer) -> None:
    ctxs = [pool.spawn(apis=["websocket"]) for _ in range(20)]
    results: list[Any] = [None] * len(ctxs)

    def run(i: int) -> None:
        results[i] = ev(
            ctxs[i],
            f"""const socks = [1, 2, 3].map(() => new WebSocket('{server.base}/echo'));
            await Promise.all(socks.map(opened));
            const got = await Promise.all(socks.map((ws, k) => new Promise((res) => {{
              ws.onmessage = (e) => res(e.data); ws.send('{i}-' + (k + 1)); }})));
            await Promise.all(socks.map((ws) => {{ const c = closed(ws); ws.close(); return c; }}));
            got""",
            timeout=15,
        )

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(ctxs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert results == [[f"{i}-1", f"{i}-2", f"{i}-3"] for i in range(len(ctxs))]
    for c in ctxs:
        c.stop()
