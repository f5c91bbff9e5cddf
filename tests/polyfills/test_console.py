"""The console group: output to logging 'actors.console', util.inspect-like formatting."""

from __future__ import annotations

import logging
import threading

import pytest

import actors

LogCapture = pytest.LogCaptureFixture


def console_lines(pool: actors.ContextPool, code: str, caplog: LogCapture) -> list[logging.LogRecord]:
    ctx = pool.spawn(apis=["console"], name="logger-ctx")
    done = threading.Event()
    ctx.on_message(lambda _m: done.set())
    with caplog.at_level(logging.DEBUG, logger="actors.console"):
        ctx.eval(code + "; Host.send('done')")
        # console lines and messages share the event channel, in order
        assert done.wait(5)
    return [r for r in caplog.records if r.name == "actors.console"]


def test_console_log_formats_values_like_util_inspect(pool: actors.ContextPool, caplog: LogCapture) -> None:
    (rec,) = console_lines(
        pool,
        "console.log('x', 1, -0, 10n, {a: [1, 'two', {b: {c: 1}}]},"
        " new Map([[1, 2]]), new Set([3]), null, undefined)",
        caplog,
    )
    assert (
        rec.getMessage()
        == "x 1 -0 10n { a: [ 1, 'two', { b: [Object] } ] } Map(1) { 1 => 2 } Set(1) { 3 } null undefined"
    )
    assert rec.levelno == logging.INFO
    assert rec.context == "logger-ctx"  # type: ignore[attr-defined]


def test_each_console_method_logs_at_its_level(pool: actors.ContextPool, caplog: LogCapture) -> None:
    recs = console_lines(
        pool, "console.debug('d'); console.info('i'); console.warn('w'); console.error('e')", caplog
    )
    assert [(r.levelno, r.getMessage()) for r in recs] == [
        (logging.DEBUG, "d"),
        (logging.INFO, "i"),
        (logging.WARNING, "w"),
        (logging.ERROR, "e"),
    ]


def test_format_specifiers_cycles_and_errors(pool: actors.ContextPool, caplog: LogCapture) -> None:
    recs = console_lines(
        pool,
        "console.log('%s=%d %j %%', 'n', 42.9, {a: 1}); const o = {}; o.self = o; console.log(o);"
        "console.error(new TypeError('bad'))",
        caplog,
    )
    assert recs[0].getMessage() == 'n=42.9 {"a":1} %'
    assert recs[1].getMessage() == "{ self: [Circular] }"
    assert recs[2].getMessage().startswith("TypeError: bad\n    at ")


def test_count_assert_time_group_and_table(pool: actors.ContextPool, caplog: LogCapture) -> None:
    recs = console_lines(
        pool,
        "console.count(); console.count('x'); console.count(); console.assert(1 === 2, 'nope');"
        "console.assert(true, 'silent'); console.group('G'); console.log('in'); console.groupEnd();"
        "console.time('t'); console.timeEnd('t'); console.table([{a: 1, b: 2}, {a: 3}])",
        caplog,
    )
    messages = [r.getMessage() for r in recs]
    assert messages[:3] == ["default: 1", "x: 1", "default: 2"]
    assert messages[3] == "Assertion failed: nope"
    assert messages[4:6] == ["G", "  in"]
    assert messages[6].startswith("t: ") and messages[6].endswith("ms")
    table = messages[7].splitlines()
    assert "(index)" in table[1] and " a " in table[1] and " b " in table[1]
    assert len(table) == 6


def test_console_is_loaded_lazily_and_absent_from_bare_contexts(pool: actors.ContextPool) -> None:
    ctx = pool.spawn(apis=["console"])
    assert ctx.eval("typeof Object.getOwnPropertyDescriptor(globalThis, 'console').get") == "function"
    assert ctx.eval("typeof console.log") == "function"
    assert ctx.eval("'value' in Object.getOwnPropertyDescriptor(globalThis, 'console')") is True
    assert pool.spawn(apis=None).eval("typeof console") == "undefined"


def test_a_huge_console_line_is_cut_before_the_host_builds_it(
    pool: actors.ContextPool, caplog: LogCapture
) -> None:
    # 8 Mi characters of log text would be 8 MiB of Python string and log
    # record per call; the host keeps at most 64 KiB of a line.
    records = console_lines(pool, "console.log('é'.repeat(1 << 23)); console.log('after')", caplog)
    messages = [r.getMessage() for r in records]
    assert messages[-1] == "after"
    long = messages[-2]
    assert long.endswith("…")
    assert len(long.encode("utf-8")) <= 64 * 1024 + 3
    assert set(long[:-1]) == {"é"}  # cut on a character boundary
