"""Live sessions in a real browser: headless Chromium (Debian's ``chromium``) driven by Playwright.

Skipped, with the reason, when either is missing (``apt-get install chromium`` and
``pip install playwright``; ``.ci/run`` installs both; no browser download is needed).
Every test runs in thread mode and in process mode.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from live_support import COUNTER
from waiting import wait_until

import actors
from actors.live import LiveApp, ServerThread
from actors.live.session import Session

CHROMIUM = os.environ.get("ACTORS_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# CI sets ACTORS_REQUIRE_BROWSER=1 after installing both: there a missing
# browser is a failure, not a skip
_REQUIRED = os.environ.get("ACTORS_REQUIRE_BROWSER", "") not in ("", "0")
if not os.path.exists(CHROMIUM):
    if _REQUIRED:
        raise RuntimeError(f"ACTORS_REQUIRE_BROWSER is set but there is no Chromium at {CHROMIUM}")
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium)", allow_module_level=True)
if _REQUIRED:
    import playwright.sync_api as sync_api
else:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
    )
expect = sync_api.expect
expect.set_options(timeout=15_000)  # a loaded CI machine: the deadline, not a sleep

ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ROOT = Path(__file__).resolve().parent.parent
BUTTONS = (
    COUNTER
    + """
document.body.insertAdjacentHTML('beforeend', '<button id="spin" data-on-click="spin">spin</button>');
"""
)


def load_example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", ROOT / "examples" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def session_of(app: LiveApp) -> Session:
    assert wait_until(lambda: len(app.sessions) == 1 and next(iter(app.sessions)).ctx is not None, 15)
    return next(iter(app.sessions))


def wait_live(page: Any) -> None:
    page.wait_for_function("document.querySelector('[data-live-root]').dataset.liveState === 'live'")


def test_clicks_in_the_browser_update_the_page(pool: actors.ContextPool, page: Any) -> None:
    app = load_example("live_counter").create_app(pool)
    with ServerThread(app) as server:
        page.goto(server.url + "/")
        expect(page.locator("output")).to_have_text("0")  # the server-rendered page
        wait_live(page)
        for _ in range(3):
            page.click("button")
        expect(page.locator("output")).to_have_text("3")
        assert session_of(app).ctx is not None


@pytest.fixture
def todo(pool: actors.ContextPool, page: Any) -> Iterator[tuple[LiveApp, Any]]:
    example = load_example("live_todo")
    starlette_app = example.create_app(pool)
    # the Starlette app holds the LiveApp in its /todo mount
    live = next(r.app for r in starlette_app.routes if isinstance(getattr(r, "app", None), LiveApp))
    with ServerThread(starlette_app) as server:
        page.goto(server.url + "/")  # redirected to /todo/
        wait_live(page)
        yield live, page


def test_typing_validates_submitting_adds_and_the_input_keeps_focus(todo: tuple[LiveApp, Any]) -> None:
    _app, page = todo
    field = page.locator("input[name=title]")
    error = page.locator(".error")
    field.click()
    field.press("Enter")
    expect(error).to_have_text("Write something first.")
    field.press_sequentially("buy milk")
    expect(error).to_have_text("")
    field.press("Enter")
    expect(page.locator("li span")).to_have_text(["buy milk"])
    expect(field).to_have_value("")  # the component cleared it (a form-state patch)
    expect(field).to_be_focused()
    field.press_sequentially("buy milk")
    expect(error).to_have_text("That is already on the list.")
    field.press("Enter")
    expect(page.locator("li")).to_have_count(1)
    field.fill("x" * 81)
    expect(error).to_have_text("At most 80 characters (this is 81).")
    field.fill("call <b>mum</b>")
    page.click("form button")
    expect(page.locator("li span")).to_have_text(["buy milk", "call <b>mum</b>"])  # text, not markup
    assert page.locator("li b").count() == 0
    expect(page.locator(".left")).to_have_text("2 of 2 left")
    page.locator("li input[type=checkbox]").first.check()
    expect(page.locator("li").first).to_have_class("done")
    expect(page.locator(".left")).to_have_text("1 of 2 left")
    page.click("button.clear")
    expect(page.locator("li span")).to_have_text(["call <b>mum</b>"])
    page.click("li button")
    expect(page.locator("li")).to_have_count(0)


def test_fast_typing_is_never_overwritten_by_late_patches(todo: tuple[LiveApp, Any]) -> None:
    _app, page = todo
    field = page.locator("input[name=title]")
    field.click()
    text = "the quick brown fox jumps over the lazy dog"
    page.keyboard.type(text)  # no delay: many input events in flight at once
    expect(field).to_have_value(text)
    field.press("Enter")
    expect(page.locator("li span")).to_have_text([text])
    expect(field).to_have_value("")


def test_killing_the_sessions_context_the_page_recovers_its_kept_state(todo: tuple[LiveApp, Any]) -> None:
    app, page = todo
    field = page.locator("input[name=title]")
    for item in ("one", "two"):
        field.fill(item)
        field.press("Enter")
    expect(page.locator("li span")).to_have_text(["one", "two"])
    session = session_of(app)
    old = session.ctx
    assert old is not None
    old.kill()
    expect(page.locator("[data-live-status]")).to_have_text("Recovered after an error.")
    assert session.ctx is not old and old.exit_reason == "killed"
    expect(page.locator("li span")).to_have_text(["one", "two"])
    field.fill("three")
    field.press("Enter")
    expect(page.locator("li span")).to_have_text(["one", "two", "three"])


def test_a_session_over_its_cpu_budget_tells_the_page_and_restarts(
    pool: actors.ContextPool, page: Any
) -> None:
    app = LiveApp(pool, BUTTONS, component_name="buttons.js", max_reductions=5_000, timeout=3.0)
    with ServerThread(app) as server:
        page.goto(server.url + "/")
        wait_live(page)
        page.click("button >> nth=0")
        expect(page.locator("output")).to_have_text("1")
        page.click("#spin")
        expect(page.locator("[data-live-status]")).to_have_text("Recovered after an error.")
        expect(page.locator("output")).to_have_text("1")  # kept with live.keep
        page.click("button >> nth=0")
        expect(page.locator("output")).to_have_text("2")


def test_closing_the_tab_stops_the_context_through_the_link(pool: actors.ContextPool, browser: Any) -> None:
    app = LiveApp(pool, COUNTER, component_name="counter.js")
    with ServerThread(app) as server:
        context = browser.new_context()
        try:
            tab = context.new_page()
            tab.goto(server.url + "/")
            wait_live(tab)
            ctx = session_of(app).ctx
            assert ctx is not None and ctx.alive
            tab.close()
            assert ctx.wait(15)
            assert ctx.exit_reason == "linked"
            assert wait_until(lambda: not app.sessions, 15)
        finally:
            context.close()


def test_two_tabs_of_the_chat_example_see_each_other_s_messages(
    pool: actors.ContextPool, browser: Any
) -> None:
    app = load_example("live_chat").create_app(pool)
    with ServerThread(app) as server:
        context = browser.new_context()
        try:
            alice, bob = context.new_page(), context.new_page()
            for tab in (alice, bob):
                tab.set_default_timeout(15_000)
                tab.goto(server.url + "/")
                wait_live(tab)
            alice.fill("input[name=name]", "alice")
            alice.fill("input[name=text]", "hi <b>bob</b>")
            alice.press("input[name=text]", "Enter")
            expect(bob.locator(".log li")).to_have_text(["alice: hi <b>bob</b>"])  # as text, not markup
            expect(alice.locator("input[name=text]")).to_have_value("")
            bob.fill("input[name=name]", "bob")
            bob.fill("input[name=text]", "hello alice")
            bob.click("button")
            expect(alice.locator(".log li")).to_have_text(["alice: hi <b>bob</b>", "bob: hello alice"])
            assert alice.locator(".log b").count() == 2  # only the names are elements
        finally:
            context.close()


def test_markup_a_component_sends_never_runs_script_in_the_page(pool: actors.ContextPool, page: Any) -> None:
    hostile = (
        COUNTER
        + """
    live.on('inject', () => {
      const a = document.createElement('a');
      a.id = 'link';
      a.setAttribute('href', ' javascript:window.pwned = 1');
      a.setAttribute('onclick', 'window.pwned = 2');
      a.setAttribute('onmouseover', 'window.pwned = 3');
      a.textContent = '<img src=x onerror="window.pwned = 4">';
      const s = document.createElement('script');
      s.textContent = 'window.pwned = 5';
      const f = document.createElement('iframe');
      f.setAttribute('srcdoc', '<script>parent.pwned = 6</script>');
      document.body.append(a, s, f);
      out.textContent = 'injected';
    });
    document.body.insertAdjacentHTML('beforeend', '<button id="inject" data-on-click="inject">x</button>');
    """
    )
    app = LiveApp(pool, hostile, component_name="hostile.js")
    with ServerThread(app) as server:
        page.goto(server.url + "/")
        wait_live(page)
        page.click("#inject")
        expect(page.locator("output")).to_have_text("injected")
        link = page.locator("#link")
        expect(link).to_have_text('<img src=x onerror="window.pwned = 4">')  # text, not markup
        assert link.get_attribute("href") is None
        assert link.get_attribute("onclick") is None and link.get_attribute("onmouseover") is None
        link.click()
        link.hover()
        assert page.locator("[data-live-root] script").count() == 0
        assert page.locator("iframe").get_attribute("srcdoc") is None
        assert page.evaluate("window.pwned") is None


def test_key_events_are_filtered_by_data_key_and_carry_the_fields_value(
    pool: actors.ContextPool, page: Any
) -> None:
    keys = """
    document.body.innerHTML = '<input data-on-keydown="key" data-key="Escape"><output></output>';
    const out = document.querySelector('output');
    let n = 0;
    live.on('key', (ev) => { n += 1; out.textContent = `${n}: ${ev.key} with ${ev.value}`; });
    """
    app = LiveApp(pool, keys, component_name="keys.js")
    with ServerThread(app) as server:
        page.goto(server.url + "/")
        wait_live(page)
        field = page.locator("input")
        field.press_sequentially("ab")
        field.press("Escape")
        expect(page.locator("output")).to_have_text("1: Escape with ab")
