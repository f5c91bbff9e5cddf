"""window, self and location in browser-like contexts (any context with an API group)."""

from __future__ import annotations

import logging

import pytest
from npm_packages import package_file
from waiting import wait_until

import actors


def test_window_and_self_are_the_global_object_in_a_browser_like_context(pool: actors.ContextPool) -> None:
    for apis in (["url"], ["dom"], "browser"):
        c = pool.spawn(apis=apis)
        assert c.eval("window === globalThis && self === globalThis && window.window === window"), apis
        assert c.eval("typeof location === 'object' && location instanceof Location"), apis


def test_a_context_without_api_groups_has_no_window(pool: actors.ContextPool) -> None:
    for apis in (None, []):
        c = pool.spawn(apis=apis)
        assert c.eval("[typeof window, typeof self, typeof location]") == ["undefined"] * 3


def test_the_window_globals_cost_nothing_until_touched(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"])
    got = c.eval(
        "['window', 'self', 'location'].map((n) => typeof Object.getOwnPropertyDescriptor(globalThis, n).get)"
    )
    assert got == ["function"] * 3
    assert c.eval("typeof location.href") == "string"


def test_a_umd_wrapper_that_falls_back_to_self_loads(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"])
    c.eval(
        """(function (root, factory) { (root || self).lib = factory(); })(undefined, function () {
             return { ok: true };
           }); void 0"""
    )
    assert c.eval("lib.ok && window.lib === lib") is True
    umd = "(function (g) { g.lib2 = 2; })(typeof self !== 'undefined' ? self : this); void 0"
    c.eval(umd)
    assert c.eval("lib2") == 2


def test_preact_10_umd_build_loads_without_shims_in_strict_code(pool: actors.ContextPool) -> None:
    src = package_file("preact10", "dist/preact.umd.js").read_text(encoding="utf-8")
    c = pool.spawn(apis=["dom"])
    # `this` is undefined in the wrapper, so the build falls back to `self`
    c.eval(f"(function () {{ 'use strict'; {src}\n}}).call(undefined); void 0")
    html = c.eval(
        """preact.render(preact.h('p', { class: 'x' }, 'hi'), document.body);
           document.body.innerHTML"""
    )
    assert html == '<p class="x">hi</p>'


def test_location_reports_the_url_given_at_spawn(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"], url="HTTPS://Example.COM:443/a/b?x=1#top")
    got = c.eval(
        """[location.href, location.protocol, location.host, location.hostname, location.port,
            location.pathname, location.search, location.hash, location.origin, String(location),
            `${location}`, document.URL, document.documentURI, document.body.baseURI]"""
    )
    href = "https://example.com/a/b?x=1#top"
    assert got == [href, "https:", "example.com", "example.com", "", "/a/b", "?x=1", "#top",
                   "https://example.com", href, href, href, href, href]  # fmt: skip


def test_location_with_a_port_and_an_opaque_url(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["url"], url="http://localhost:8080")
    assert c.eval("[location.href, location.host, location.hostname, location.port, location.origin]") == [
        "http://localhost:8080/",
        "localhost:8080",
        "localhost",
        "8080",
        "http://localhost:8080",
    ]
    d = pool.spawn(apis=["url"])
    parts = "[location.href, location.protocol, location.pathname, location.origin, location.host]"
    assert d.eval(parts) == [
        "about:blank",
        "about:",
        "blank",
        "null",
        "",
    ]


def test_the_url_defaults_to_the_root_of_a_url_origin(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom", "storage"], origin="https://app.example")
    assert c.eval("[location.href, location.origin, document.URL]") == [
        "https://app.example/",
        "https://app.example",
        "https://app.example/",
    ]
    free_form = pool.spawn(apis=["dom"], origin="tenant-7")
    assert free_form.eval("location.href") == "about:blank"


def test_a_url_without_origin_sets_the_storage_origin(pool: actors.ContextPool) -> None:
    a = pool.spawn(apis=["storage"], url="https://shop.example/cart")
    a.eval("localStorage.setItem('k', 'v')")
    b = pool.spawn(apis=["storage"], origin="https://shop.example")
    assert b.eval("localStorage.getItem('k')") == "v"


@pytest.mark.parametrize(
    "bad",
    ["relative/path", "/rooted", "https:///nohost", "http://a b/", "https://x:99999/", "no-scheme.example"],
)
def test_a_non_absolute_url_is_a_clear_value_error(pool: actors.ContextPool, bad: str) -> None:
    with pytest.raises(ValueError, match="url"):
        pool.spawn(apis=["dom"], url=bad)


def test_a_url_that_is_not_a_string_is_a_type_error(pool: actors.ContextPool) -> None:
    with pytest.raises(TypeError, match="url must be a string"):
        pool.spawn(apis=["dom"], url=42)  # type: ignore[arg-type]


def test_a_jquery_like_load_reads_location_href(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis="browser", url="https://site.example/page")
    # jQuery 3 reads location.href at load to resolve ajax URLs
    got = c.eval(
        """(function (global, factory) { global.jq = factory(global); })(
             typeof window !== 'undefined' ? window : this, function (window) {
               var location = window.location;
               var anchor = window.document.createElement('a');
               anchor.href = location.href;
               return { href: anchor.href, base: location.protocol + '//' + location.host };
             }); jq"""
    )
    assert got == {"href": "https://site.example/page", "base": "https://site.example"}


def test_navigation_is_a_no_op_with_one_warning(
    pool: actors.ContextPool, caplog: pytest.LogCaptureFixture
) -> None:
    c = pool.spawn(apis=["dom"], url="https://a.example/")
    with caplog.at_level(logging.WARNING, logger="actors.console"):
        got = c.eval(
            """location.href = 'https://evil.example/'; location.assign('x'); location.replace('y');
               location.reload(); location.hash = '#z'; location = 'https://evil.example/';
               [location.href, typeof location, document.URL]"""
        )
        c.eval("0")  # the log line is delivered before this answer
    assert got == ["https://a.example/", "object", "https://a.example/"]
    warnings = [r for r in caplog.records if "do not navigate" in r.getMessage()]
    assert len(warnings) == 1


def test_location_cannot_be_constructed_or_rewired_to_another_url(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"], url="https://a.example/")
    assert c.eval("try { new Location(); 'made' } catch (e) { e.name }") == "TypeError"
    # a hostile script cannot make document.URL lie by replacing location's getters
    got = c.eval(
        """Object.defineProperty(Location.prototype, 'href', { get() { return 'https://evil/'; } });
           [location.href, document.URL]"""
    )
    assert got == ["https://evil/", "https://a.example/"]


def test_a_global_replaced_before_the_window_loads_keeps_its_value(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["dom"])
    assert c.eval("self = 5; [self, window === globalThis, self]") == [5, True, 5]


def test_window_is_an_event_target_with_the_events_group(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["events"])
    got = c.eval(
        """const seen = [];
           window.addEventListener('ping', function (e) {
             seen.push(e.type, e.target === window, e.currentTarget === window, this === window);
           });
           addEventListener('ping', () => seen.push('bare'));
           window.onping = () => seen.push('not a handler type');
           onload = (e) => seen.push('onload', e.target === self);
           const ok = dispatchEvent(new Event('ping'));
           self.dispatchEvent(new Event('load'));
           seen.push(ok, 'onclick' in window, window.onclick, typeof window.onmessage);
           seen"""
    )
    assert got == ["ping", True, True, True, "bare", "onload", True, True, True, None, "object"]


def test_touching_self_leaves_the_events_group_unloaded_until_the_global_is_listened_on(
    pool: actors.ContextPool,
) -> None:
    # a UMD wrapper reads `self` on load; that must not cost the events group
    c = pool.spawn(apis="browser")
    lazy = "typeof Object.getOwnPropertyDescriptor(globalThis, 'EventTarget').get"
    assert c.eval(f"void self; [{lazy}, 'onmessage' in self, onmessage]") == ["function", True, None]
    before = c.memory_usage()["malloc_size"]
    # a handler set before the group loads still runs, ahead of the listeners
    got = c.eval(
        """const seen = [];
           self.onmessage = (e) => seen.push('handler', e.type);
           addEventListener('message', () => seen.push('listener'));
           dispatchEvent(new Event('message'));
           seen"""
    )
    assert got == ["handler", "message", "listener"]
    assert c.eval(lazy) == "undefined"
    assert c.memory_usage()["malloc_size"] > before + 32 * 1024


def test_an_on_event_handler_returning_false_cancels(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["events"])
    assert (
        c.eval("window.onmessage = () => false; dispatchEvent(new Event('message', { cancelable: true }))")
        is False
    )
    assert c.eval(
        "removeEventListener('x', () => {}); window.onmessage = null; dispatchEvent(new Event('message'))"
    )


def test_window_has_no_event_target_methods_without_the_events_group(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["url"])
    assert c.eval("[typeof addEventListener, typeof window.dispatchEvent, 'onload' in window]") == [
        "undefined",
        "undefined",
        False,
    ]


def test_a_worker_scope_has_self_and_location_but_no_window(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["worker", "events"], url="https://w.example/app")
    c.eval(
        """globalThis.got = null;
           const w = new Worker("postMessage([typeof window, self === globalThis, location.href])");
           w.onmessage = (e) => { got = e.data; }; void 0"""
    )
    assert wait_until(lambda: c.eval("got") is not None)
    assert c.eval("got") == ["undefined", True, "https://w.example/app"]


def test_a_window_listener_can_be_removed(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["events"])
    got = c.eval(
        """let n = 0; const f = () => n++;
           addEventListener('x', f); window.addEventListener('x', f);
           dispatchEvent(new Event('x'));
           self.removeEventListener('x', f);
           dispatchEvent(new Event('x'));
           n"""
    )
    assert got == 1
