"""Live sessions at the protocol level: a real uvicorn on loopback, WebSocket clients, no browser.

Every test runs in thread mode and in process mode (the ``pool`` fixture).
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_support import COUNTER, LiveClient, apply
from waiting import wait_until
from websockets.exceptions import ConnectionClosed, InvalidStatus

import actors
from actors.live import LiveApp, ServerThread, route
from actors.live.session import Session


@pytest.fixture
def live(pool: actors.ContextPool) -> Iterator[tuple[LiveApp, ServerThread]]:
    app = LiveApp(
        pool, COUNTER, component_name="counter.js", title="Count <&>", memory_limit=4 << 20,
        max_reductions=5_000, timeout=3.0,
    )  # fmt: skip
    with ServerThread(app) as server:
        yield app, server


def only_session(app: LiveApp) -> Session:
    assert wait_until(lambda: len(app.sessions) == 1 and next(iter(app.sessions)).ctx is not None, 10)
    return next(iter(app.sessions))


def test_the_first_page_is_rendered_on_the_server_with_the_client_and_socket_urls(
    live: tuple[LiveApp, ServerThread],
) -> None:
    _app, server = live
    r = httpx.get(server.url + "/", timeout=30)
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    assert "<title>Count &lt;&amp;&gt;</title>" in r.text
    assert (
        '<div data-live-root data-live-ws="/ws"><button data-on-click="inc">+1</button> <output>0</output>'
        in r.text
    )
    assert '<script src="/live.js" defer></script>' in r.text
    js = httpx.get(server.url + "/live.js", timeout=30)
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "data-live-root" in js.text
    assert httpx.get(server.url + "/other", timeout=30).status_code == 404


def test_a_click_comes_back_as_one_text_patch_acknowledging_the_event(
    live: tuple[LiveApp, ServerThread],
) -> None:
    _app, server = live
    with LiveClient(server.ws_url()) as page:
        reset = page.until("reset")
        tree = reset["tree"]
        assert tree == [["button", {"data-on-click": "inc"}, ["+1"], None], " ", ["output", {}, ["0"], None]]
        seq = page.event("inc")
        patch = page.until("patch")
        assert patch == {"t": "patch", "ops": [["t", [2, 0], "1"]], "ack": seq}
        assert apply(tree, patch["ops"])[2] == ["output", {}, ["1"], None]


def test_changes_made_outside_events_are_pushed_to_the_page(live: tuple[LiveApp, ServerThread]) -> None:
    _app, server = live
    with LiveClient(server.ws_url()) as page:
        page.until("reset")
        page.event("later")
        pushed = page.until("patch")
        assert pushed["ops"] == [["t", [2, 0], "from a timer"]] and "ack" not in pushed


def test_user_input_reaches_the_page_as_text_and_is_escaped_in_the_first_page(
    pool: actors.ContextPool,
) -> None:
    component = """
      document.body.innerHTML = '<p></p><input data-on-input="echo">';
      const p = document.querySelector('p');
      p.textContent = '<script>alert(1)</script>';
      p.setAttribute('title', '"><img src=x onerror=alert(1)>');
      p.setAttribute('onclick', 'alert(1)');
      const a = document.createElement('a'); a.href = 'javascript:alert(1)'; document.body.append(a);
      document.body.append(document.createElement('script'));
      live.on('echo', (ev) => { p.textContent = ev.value; });
    """
    app = LiveApp(pool, component, component_name="echo.js")
    with ServerThread(app) as server:
        text = httpx.get(server.url + "/", timeout=30).text
        body = text.split("<div data-live-root", 1)[1].split("</div>", 1)[0]
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert 'title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in body
        assert "onclick" not in body and "javascript:" not in body and "<script" not in body
        assert "<!---->" in body  # the script element's place is kept as an empty comment
        with LiveClient(server.ws_url()) as page:
            page.until("reset")
            page.event("echo", path=[1], etype="input", value="</p><script>x()</script>")
            ops = page.until("patch")["ops"]
            assert ["t", [0, 0], "</p><script>x()</script>"] in ops  # text, applied as data


EV = '{"t": "e", "seq": 1, '


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ("not json", "not JSON"),
        (EV + '"h": "nope", "type": "click", "path": []}', "unknown handler 'nope'"),
        (EV + '"h": "inc", "type": "mouseover", "path": []}', "unknown event type"),
        (
            EV + '"h": "inc", "type": "click", "path": [], "code": "x"}',
            "unknown field 'code'",
        ),
        ('{"t": "e", "seq": -1, "h": "inc", "type": "click", "path": []}', "seq must be an integer"),
        (EV + '"h": "inc", "type": "click", "path": "0"}', "path must be a list"),
        (EV + '"h": "inc", "type": "click", "path": [' + "0," * 70 + "0]}", "path must be"),
        (
            EV + '"h": "inc", "type": "click", "path": [], "value": 3}',
            "value must be a string",
        ),
        (
            EV + '"h": "inc", "type": "click", "path": [], "form": {"a": [1]}}',
            "form field 'a'",
        ),
        ('{"t": "eval", "code": "1"}', "must be an event object"),
    ],
)
def test_a_bad_message_from_the_page_is_rejected_and_the_session_keeps_working(
    live: tuple[LiveApp, ServerThread], message: str, reason: str
) -> None:
    _app, server = live
    with LiveClient(server.ws_url(), max_size=None) as page:
        page.until("reset")
        page.ws.send(message)
        rejected = page.until("rejected")
        assert reason in rejected["message"]
        page.event("inc")
        assert page.until("patch")["ops"] == [["t", [2, 0], "1"]]


def test_a_message_over_the_apps_bound_is_rejected_before_it_is_parsed(pool: actors.ContextPool) -> None:
    app = LiveApp(pool, COUNTER, component_name="counter.js", max_message_bytes=1000)
    with ServerThread(app) as server, LiveClient(server.ws_url()) as page:
        page.until("reset")
        page.ws.send("[" * 5000 + "]" * 5000)
        assert page.until("rejected")["message"] == "message larger than 1000 bytes"
        page.event("inc")
        assert page.until("patch")["ops"] == [["t", [2, 0], "1"]]


def test_a_frame_over_the_servers_limit_closes_the_socket_and_stops_the_context(
    live: tuple[LiveApp, ServerThread],
) -> None:
    app, server = live
    with LiveClient(server.ws_url()) as page:
        page.until("reset")
        ctx = only_session(app).ctx
        page.ws.send("x" * 70_000)  # uvicorn's ws_max_size, set by ServerThread and serve()
        assert close_code(page) == 1009
    assert ctx is not None and ctx.wait(10) and ctx.exit_reason == "linked"


def test_a_binary_frame_is_rejected(live: tuple[LiveApp, ServerThread]) -> None:
    _app, server = live
    with LiveClient(server.ws_url()) as page:
        page.until("reset")
        page.ws.send(b"\x00\x01")
        assert page.until("rejected")["message"] == "only text frames are accepted"


def test_a_page_that_keeps_sending_bad_messages_is_closed_with_a_reason(
    live: tuple[LiveApp, ServerThread],
) -> None:
    app, server = live
    with LiveClient(server.ws_url()) as page:
        page.until("reset")
        for _ in range(app.max_rejected + 1):
            page.ws.send("{}")
        assert page.until("closed")["message"] == "too many rejected messages"
        assert close_code(page) == 1008


def close_code(page: LiveClient) -> int | None:
    """The code the server closed ``page`` with (reading what is left first)."""
    with pytest.raises(ConnectionClosed) as info:
        while True:
            page.recv(10)
    return info.value.rcvd.code if info.value.rcvd is not None else None


def test_closing_the_socket_stops_the_context_through_its_link(live: tuple[LiveApp, ServerThread]) -> None:
    app, server = live
    with LiveClient(server.ws_url()) as page:
        page.until("reset")
        session = only_session(app)
        ctx = session.ctx
        assert ctx is not None and ctx.alive
    assert ctx.wait(10)
    assert ctx.exit_reason == "linked"
    assert wait_until(lambda: not app.sessions, 10)


@pytest.mark.parametrize(
    ("handler", "reason"),
    [("throw", "Error: handler bug"), ("spin", "ReductionLimitError"), ("hog", "MemoryLimitError")],
)
def test_an_event_that_fails_restarts_the_context_from_the_state_it_kept(
    live: tuple[LiveApp, ServerThread], handler: str, reason: str
) -> None:
    app, server = live
    with LiveClient(server.ws_url()) as page:
        page.until("reset")
        page.event("inc")
        page.event("inc")
        assert page.until("patch")["ops"] == [["t", [2, 0], "1"]]
        assert page.until("patch")["ops"] == [["t", [2, 0], "2"]]
        old = only_session(app).ctx
        page.event(handler)
        assert reason in page.until("error")["message"]
        assert page.until("restarting")["reason"] == "event failed"
        restarted = page.until("restarted")
        assert restarted["tree"][2] == ["output", {}, ["2"], None]  # live.keep(2) survived
        assert old is not None and old.wait(10)
        page.event("inc")
        assert page.until("patch")["ops"] == [["t", [2, 0], "3"]]


def test_a_context_that_crashes_outside_an_event_is_restarted_by_the_owner(
    live: tuple[LiveApp, ServerThread],
) -> None:
    app, server = live
    with LiveClient(server.ws_url()) as page:
        page.until("reset")
        page.event("inc")
        page.until("patch")
        session = only_session(app)
        old = session.ctx
        page.event("crash_later")
        assert page.until("restarting", 10)["reason"] == "error"
        assert page.until("restarted")["tree"][2] == ["output", {}, ["1"], None]
        assert old is not None and old.exit_reason == "error"
        old_ref = session.ctx
        assert old_ref is not None
        old_ref.kill()
        assert page.until("restarting")["reason"] == "killed"
        page.until("restarted")
        assert session.restart_count == 2


def test_one_session_over_its_limits_never_delays_another(live: tuple[LiveApp, ServerThread]) -> None:
    _app, server = live
    with LiveClient(server.ws_url()) as spinner, LiveClient(server.ws_url()) as other:
        spinner.until("reset")
        other.until("reset")
        spinner.event("spin")
        for n in range(1, 6):
            other.event("inc")
            assert other.until("patch", 5)["ops"] == [["t", [2, 0], str(n)]]
        assert "ReductionLimitError" in spinner.until("error")["message"]
        assert not any(m["t"] in ("error", "restarting") for m in other.seen)


def test_a_session_that_crashes_too_often_is_closed_with_a_message(pool: actors.ContextPool) -> None:
    app = LiveApp(pool, COUNTER, component_name="counter.js", max_restarts=2, restart_window=60.0)
    with ServerThread(app) as server, LiveClient(server.ws_url()) as page:
        page.until("reset")
        for _ in range(2):
            page.event("throw")
            page.until("restarted")
        page.event("throw")
        closed = page.until("closed")
        assert closed["message"] == "the session crashed too often (last: event failed)"
        assert close_code(page) == 1011
        assert wait_until(lambda: not app.sessions, 10)


def test_a_component_that_fails_to_start_closes_the_session_with_a_message(pool: actors.ContextPool) -> None:
    app = LiveApp(pool, "throw new Error('no')", component_name="broken.js")
    with ServerThread(app) as server, LiveClient(server.ws_url()) as page:
        assert page.until("closed")["message"] == "the component failed to start"
        assert close_code(page) == 1011


def test_a_worker_process_crash_restarts_the_sessions_on_it(
    live: tuple[LiveApp, ServerThread], pool_mode: str
) -> None:
    if pool_mode != "processes":
        pytest.skip("worker processes exist in process mode only")
    from actors.testing import crash_worker

    app, server = live
    with LiveClient(server.ws_url()) as page:
        page.until("reset")
        page.event("inc")
        page.until("patch")
        ctx = only_session(app).ctx
        assert ctx is not None
        crash_worker(ctx, "kill")
        assert page.until("restarting", 20)["reason"] == "crashed"
        assert page.until("restarted", 20)["tree"][2] == ["output", {}, ["1"], None]
        page.event("inc")
        assert page.until("patch")["ops"] == [["t", [2, 0], "2"]]


def test_a_socket_from_another_origin_is_refused(live: tuple[LiveApp, ServerThread]) -> None:
    _app, server = live
    with pytest.raises(InvalidStatus, match="403"):
        LiveClient(server.ws_url(), origin="http://evil.example")
    with LiveClient(server.ws_url(), origin=server.url) as page:  # the page's own origin
        page.until("reset")


def test_the_starlette_route_serves_page_client_and_socket_under_its_path(pool: actors.ContextPool) -> None:
    from starlette.applications import Starlette

    app = LiveApp(pool, COUNTER, component_name="counter.js")
    with ServerThread(Starlette(routes=[route("/count", app)])) as server:
        text = httpx.get(server.url + "/count/", timeout=30).text
        assert 'data-live-ws="/count/ws"' in text and 'src="/count/live.js"' in text
        assert httpx.get(server.url + "/count/live.js", timeout=30).status_code == 200
        with LiveClient(server.ws_url("/count/ws")) as page:
            page.until("reset")
            page.event("inc")
            assert page.until("patch")["ops"] == [["t", [2, 0], "1"]]


FLOOD = """
document.body.innerHTML = '<output>0</output>';
const out = document.querySelector('output');
globalThis.done = false;
live.on('flood', () => {
  let i = 0;
  const t = setInterval(() => {
    out.textContent = ++i;
    if (i === 300) { clearInterval(t); done = true; }
  }, 0);
});
"""


def _run_session(app: LiveApp, scenario: Any) -> Any:
    """Run a Session against an in-memory page driven by ``scenario(session, gate, sent, incoming)``."""

    async def main() -> Any:
        gate = asyncio.Event()
        sent: list[dict[str, Any]] = []
        closes: list[int] = []
        incoming: asyncio.Queue[str | None] = asyncio.Queue()

        async def send_text(text: str) -> None:
            await gate.wait()
            sent.append(json.loads(text))

        async def close(code: int, reason: str) -> None:
            closes.append(code)
            incoming.put_nowait(None)

        session = Session(app, send_text, close)
        task = asyncio.ensure_future(session.run(incoming.get))
        try:
            return await scenario(session, gate, sent, incoming, closes)
        finally:
            incoming.put_nowait(None)
            gate.set()
            await asyncio.wait_for(task, 30)

    return asyncio.run(main())


async def _until(predicate: Any, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


def test_a_page_that_reads_slowly_gets_one_resync_instead_of_an_unbounded_queue(
    pool: actors.ContextPool,
) -> None:
    app = LiveApp(pool, FLOOD, component_name="flood.js", outbox_messages=8)

    async def scenario(session: Session, gate: Any, sent: list[Any], incoming: Any, closes: Any) -> None:
        await _until(lambda: session.ctx is not None)
        incoming.put_nowait(json.dumps({"t": "e", "seq": 1, "h": "flood", "type": "click", "path": []}))
        ctx = session.ctx
        assert ctx is not None
        longest = 0
        while not await ctx.get_global_async("done"):
            longest = max(longest, len(session._outbox))
            await asyncio.sleep(0.001)
        await asyncio.sleep(0)
        assert longest <= 8 and len(session._outbox) <= 8
        assert session._resync  # the page will get the whole tree once it reads again
        gate.set()
        await _until(
            lambda: any(m["t"] == "reset" and m["tree"] == [["output", {}, ["300"], None]] for m in sent)
        )
        # after the resync only patches based on it follow: the page ends where the context is
        tree: list[Any] = []
        for m in sent:
            if m["t"] == "reset":
                tree = m["tree"]
            elif m["t"] == "patch":
                apply(tree, m["ops"])
        assert tree == [["output", {}, ["300"], None]]

    _run_session(app, scenario)


def test_a_page_that_stops_reading_is_closed_after_send_timeout(pool: actors.ContextPool) -> None:
    app = LiveApp(pool, FLOOD, component_name="flood.js", send_timeout=0.3)

    async def scenario(
        session: Session, gate: Any, sent: list[Any], incoming: Any, closes: list[int]
    ) -> None:
        await _until(lambda: closes == [1013])
        assert session.closed

    _run_session(app, scenario)


def load_example(name: str) -> Any:
    path = Path(__file__).resolve().parent.parent / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"example_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_counter_example_serves_and_counts(pool: actors.ContextPool) -> None:
    app = load_example("live_counter").create_app(pool)
    with ServerThread(app) as server, LiveClient(server.ws_url()) as page:
        assert "<output>0</output>" in httpx.get(server.url + "/", timeout=30).text
        page.until("reset")
        page.event("inc")
        assert page.until("patch")["ops"] == [["t", [2, 0], "1"]]


def test_the_todo_example_validates_and_adds_an_item(pool: actors.ContextPool) -> None:
    example = load_example("live_todo")
    with ServerThread(example.create_app(pool)) as server, LiveClient(server.ws_url("/todo/ws")) as page:
        assert "<h1>Todo</h1>" in httpx.get(server.url + "/todo/", timeout=30).text
        tree = page.until("reset")["tree"]
        form = [1, 3]  # main > form, after the whitespace text nodes
        page.event("add", path=form, etype="submit", form={"title": "   "})
        apply(tree, page.until("patch")["ops"])
        assert "Write something first." in json.dumps(tree)
        page.event("add", path=form, etype="submit", form={"title": "milk <b>"})
        apply(tree, page.until("patch")["ops"])
        text = json.dumps(tree)
        assert '["span", {}, ["milk <b>"], null]' in text and "1 of 1 left" in text


def _text_of(tree: Any) -> str:
    return json.dumps(tree, ensure_ascii=False)


def test_the_chat_example_shows_each_message_in_every_other_tab(pool: actors.ContextPool) -> None:
    app = load_example("live_chat").create_app(pool)
    form = [1, 5]  # main > form, after the whitespace text nodes
    with (
        ServerThread(app) as server,
        LiveClient(server.ws_url()) as alice,
        LiveClient(server.ws_url()) as bob,
    ):
        assert "<h1>Chat</h1>" in httpx.get(server.url + "/", timeout=30).text
        trees = {"alice": alice.until("reset")["tree"], "bob": bob.until("reset")["tree"]}

        def said(page: LiveClient, who: str, text: str) -> bool:
            # messages from the other tab arrive as pushed patches (no event of this page)
            while text not in _text_of(trees[who]):
                apply(trees[who], page.until("patch")["ops"])
            return True

        alice.event("send", path=form, etype="submit", form={"name": "alice", "text": "hi <b>bob</b>"})
        answer = alice.until("patch")
        # the submitted text field had the page's value: clearing it is a change, patched
        assert ["p", [*form, 3], {"value": ""}] in answer["ops"], answer
        apply(trees["alice"], answer["ops"])
        assert said(alice, "alice", "hi <b>bob</b>")
        assert said(bob, "bob", "hi <b>bob</b>")
        # the message is text, not markup
        assert '["b", {}, ["alice"], null], ": ", "hi <b>bob</b>"' in _text_of(trees["bob"])
        bob.event("send", path=form, etype="submit", form={"name": "bob", "text": "hello alice"})
        assert said(alice, "alice", "hello alice")
        bob.event("send", path=form, etype="submit", form={"name": "", "text": "anonymous"})
        assert said(bob, "bob", "Choose a name first.")
        assert "anonymous" not in _text_of(trees["alice"]) + _text_of(trees["bob"])
        # a tab that joins later is sent the recent messages by the room
        with LiveClient(server.ws_url()) as carol:
            trees["carol"] = carol.until("reset")["tree"]
            assert said(carol, "carol", "hello alice")
            log = _text_of(trees["carol"])
            assert log.index("hi <b>bob</b>") < log.index("hello alice")


@pytest.mark.mode_independent
@pytest.mark.parametrize("name", ["live_counter", "live_todo", "live_chat"])
def test_the_live_examples_explain_their_options(name: str) -> None:
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.run(
        [sys.executable, str(root / "examples" / f"{name}.py"), "--help"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "--processes" in proc.stdout


def test_an_idle_session_hibernates_and_the_next_event_wakes_it_from_kept_state(
    pool: actors.ContextPool,
) -> None:
    app = LiveApp(pool, COUNTER, component_name="counter.js", hibernate_after=0.2)
    with ServerThread(app) as server, LiveClient(server.ws_url()) as page:
        page.until("reset")
        page.event("inc")
        assert page.until("patch")["ops"] == [["t", [2, 0], "1"]]
        session = only_session(app)
        ctx = session.ctx
        assert ctx is not None
        assert wait_until(lambda: session.hibernated, 10)
        assert ctx.wait(10) and ctx.exit_reason == "normal"
        page.event("inc")
        # the woken context renders the same tree from live.restored: no reset, one patch
        assert page.recv() == {"t": "patch", "ops": [["t", [2, 0], "2"]], "ack": 2}
        assert session.ctx is not None and session.ctx is not ctx and not session.hibernated
        assert session.restart_count == 0


def test_a_component_that_replaces_the_runtime_only_ends_its_own_session(pool: actors.ContextPool) -> None:
    hostile = (
        COUNTER
        + """
    globalThis.__live_tree = () => ({ver: 'x', tree: {length: 1e9}});
    globalThis.__live_event = () => 'not a batch';
    Host.send({t: 'patch', base: 0, ver: 1e300, ops: 'junk'});
    """
    )
    bad = LiveApp(pool, hostile, component_name="hostile.js")
    good = LiveApp(pool, COUNTER, component_name="counter.js")
    with ServerThread(bad) as bad_server, ServerThread(good) as good_server:
        with LiveClient(good_server.ws_url()) as page:
            page.until("reset")
            with LiveClient(bad_server.ws_url()) as attacker:
                assert attacker.until("closed")["message"] == "the component failed to start"
                assert close_code(attacker) == 1011
            page.event("inc")
            assert page.until("patch")["ops"] == [["t", [2, 0], "1"]]
        assert wait_until(lambda: not bad.sessions, 10)


def test_forged_batches_from_a_component_are_dropped_and_its_page_keeps_working(
    pool: actors.ContextPool,
) -> None:
    forger = (
        COUNTER
        + """
    live.on('forge', () => {
      Host.send({t: 'patch', base: 0, ver: 1e300, ops: 'junk'});
      Host.send({t: 'patch', base: 'a', ver: 2, ops: []});
      Host.send({t: 'patch', base: 5, ver: 4, ops: []});
      Host.send({t: 'keep', v: 'x'.repeat(2 << 20)});
    });
    """
    )
    app = LiveApp(pool, forger, component_name="forger.js")
    with ServerThread(app) as server, LiveClient(server.ws_url()) as page:
        page.until("reset")
        page.event("inc")
        page.until("patch")
        page.event("forge")
        assert page.until("ack")["seq"] == 2
        page.event("inc")
        assert page.until("patch")["ops"] == [["t", [2, 0], "2"]]
        assert only_session(app).kept == 2  # the 2 MiB keep was over max_kept_bytes


def test_a_session_ends_as_soon_as_its_page_disconnects_after_a_message(pool: actors.ContextPool) -> None:
    # Hazard: on Python 3.11, cancelling a sender inside asyncio.wait_for just as its
    # send completed was swallowed, and the session waited forever for its sender.
    app = LiveApp(pool, COUNTER, component_name="counter.js")

    async def main() -> bool:
        incoming: asyncio.Queue[str | None] = asyncio.Queue()
        sent: asyncio.Queue[str] = asyncio.Queue()

        async def send_text(text: str) -> None:
            sent.put_nowait(text)

        async def close(code: int, reason: str) -> None:
            pass

        session = Session(app, send_text, close)
        task = asyncio.ensure_future(session.run(incoming.get))
        await sent.get()  # the reset, received while the sender is still inside its send
        incoming.put_nowait(None)  # the page goes away at once
        done, _ = await asyncio.wait({task}, timeout=10)
        ctx = session.ctx
        return bool(done) and ctx is not None and await asyncio.to_thread(ctx.wait, 10)

    assert asyncio.run(main())


def test_a_socket_past_max_sessions_is_told_the_server_is_full_before_a_context_is_spawned(
    pool: actors.ContextPool,
) -> None:
    app = LiveApp(pool, COUNTER, component_name="counter.js", max_sessions=1)
    with ServerThread(app) as server, LiveClient(server.ws_url()) as first:
        first.until("reset")
        with LiveClient(server.ws_url()) as second:
            assert second.until("closed")["message"] == "the server is full"
            assert close_code(second) == 1013
        assert len(app.sessions) == 1
        first.event("inc")
        assert first.until("patch")["ops"] == [["t", [2, 0], "1"]]


def test_page_loads_render_at_most_max_renders_contexts_at_once(pool: actors.ContextPool) -> None:
    import threading

    lock = threading.Lock()
    inside = [0, 0]  # now, most
    release = threading.Event()

    def enter() -> None:
        with lock:
            inside[0] += 1
            inside[1] = max(inside[1], inside[0])
            if inside[0] > 1:
                release.set()  # an overlap: the bound is broken, stop holding
        release.wait(0.3)  # held so that the other loads pile up behind it
        with lock:
            inside[0] -= 1

    component = "Host.callSync('enter'); document.body.textContent = 'hi';"
    app = LiveApp(pool, component, component_name="slow.js", handlers={"enter": enter}, max_renders=1)
    with ServerThread(app) as server:

        def load() -> int:
            return httpx.get(server.url + "/", timeout=60).status_code

        threads = [threading.Thread(target=load) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    assert inside[1] == 1


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.mark.mode_independent
def test_freeze_gc_freezes_open_sessions_and_collects_closed_ones_after_a_quarter_turned_over() -> None:
    import gc
    import weakref

    from actors.live.gcfreeze import GcFreezer

    gc.collect()
    gc.unfreeze()
    try:
        freezer = GcFreezer()
        garbage = _Cycle()  # what a session leaves in a reference cycle once it closes
        gone = weakref.ref(garbage)
        for _ in range(256):
            freezer.session_opened()
        assert gc.get_freeze_count() > 0  # frozen: out of every collection's scan
        del garbage
        gc.collect()
        assert gone() is not None  # frozen garbage waits for the refreeze
        for _ in range(63):
            freezer.session_closed()
        assert gone() is not None
        freezer.session_closed()  # the 64th close: a quarter of the 256 frozen sessions
        assert gone() is None
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.collect()


@pytest.mark.mode_independent
def test_freeze_gc_collects_the_young_generation_in_short_passes_while_sessions_are_open() -> None:
    import gc

    from actors.live.gcfreeze import GcFreezer

    passes: list[int] = []

    def seen(phase: str, info: dict[str, Any]) -> None:
        if phase == "stop":
            passes.append(info["generation"])

    async def scenario() -> None:
        freezer = GcFreezer()
        freezer.session_opened()
        gc.callbacks.append(seen)
        try:
            # generation 0 every 50 ms, generation 1 every 10 of those
            await _until(lambda: passes.count(0) >= 3 and 1 in passes, timeout=20)
        finally:
            gc.callbacks.remove(seen)
            freezer.session_closed()

    gc.unfreeze()
    try:
        asyncio.run(scenario())
    finally:
        gc.unfreeze()
        gc.collect()
