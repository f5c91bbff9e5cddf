"""Errors say what went wrong and where, in words a newcomer can act on."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

import actors


def test_a_syntax_error_message_names_file_line_and_column(ctx: actors.Context) -> None:
    with pytest.raises(actors.JSError) as info:
        ctx.eval("let a = {\n  b: 1,\n  c:: 2 }", filename="app.js")
    assert info.value.name == "SyntaxError"
    assert str(info.value).endswith(" at app.js:3:5")
    assert "app.js" not in info.value.message  # .message stays the engine's own text


def test_a_runtime_error_message_stays_name_and_message(ctx: actors.Context) -> None:
    with pytest.raises(actors.JSError) as info:
        ctx.eval("throw new TypeError('nope')", filename="app.js")
    assert str(info.value) == "TypeError: nope"


def test_a_handler_exception_is_the_cause_of_the_jserror_with_its_traceback(
    pool: actors.ContextPool, caplog: pytest.LogCaptureFixture
) -> None:
    def lookup(key: str) -> int:
        return {"a": 1}[key]

    ctx = pool.spawn(apis=None, handlers={"lookup": lookup})
    with caplog.at_level(logging.DEBUG, logger="actors.handlers"):
        with pytest.raises(actors.JSError) as info:
            ctx.eval("await Host.call('lookup', 'missing')")
    assert info.value.name == "KeyError"
    cause = info.value.__cause__
    assert isinstance(cause, KeyError)
    frames = [f.name for f in traceback.extract_tb(cause.__traceback__)]
    assert "lookup" in frames
    assert any(r.exc_info and r.exc_info[1] is cause for r in caplog.records)


def test_a_sync_handler_exception_is_the_cause_too(pool: actors.ContextPool) -> None:
    def fail() -> None:
        raise PermissionError("tenant may not do that")

    ctx = pool.spawn(apis=None, handlers={"fail": fail})
    with pytest.raises(actors.JSError) as info:
        ctx.eval("Host.callSync('fail')")
    assert isinstance(info.value.__cause__, PermissionError)


def test_a_handler_error_caught_by_js_is_not_attached_to_a_later_unrelated_error(
    pool: actors.ContextPool,
) -> None:
    ctx = pool.spawn(apis=None, handlers={"fail": lambda: 1 / 0})
    assert ctx.eval("try { Host.callSync('fail') } catch (e) { e.name }") == "ZeroDivisionError"
    with pytest.raises(actors.JSError) as info:
        ctx.eval("throw new Error('other')")
    assert info.value.__cause__ is None


def test_sending_an_unsupported_value_raises_a_clean_conversion_error(ctx: actors.Context) -> None:
    with pytest.raises(actors.ConversionError) as info:
        ctx.send(object())
    assert "object" in str(info.value)
    assert info.value.__context__ is None or info.value.__suppress_context__
    assert info.value.__cause__ is None


@pytest.mark.parametrize("handlers", [[print], "greet", 42])
def test_handlers_that_are_not_a_mapping_say_so(pool: actors.ContextPool, handlers: object) -> None:
    with pytest.raises(TypeError, match="handlers must be a mapping of names to callables"):
        pool.spawn(apis=None, handlers=handlers)  # type: ignore[arg-type]


def test_a_handler_that_is_not_callable_is_named(pool: actors.ContextPool) -> None:
    with pytest.raises(TypeError, match=r"handlers\['greet'\] is str"):
        pool.spawn(apis=None, handlers={"greet": "hello"})  # type: ignore[dict-item]


@pytest.mark.mode_independent
def test_more_processes_than_threads_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"processes=3 is more than size=2"):
        actors.ContextPool(size=2, processes=3)


_PACKAGE_ROOT = str(Path(actors.__file__).resolve().parent.parent)


@pytest.mark.mode_independent
@pytest.mark.parametrize("guarded", [False, True])
def test_process_mode_works_from_a_script_on_standard_input(guarded: bool, tmp_path: Path) -> None:
    # `python - <<EOF` has a main module named "<stdin>" that multiprocessing
    # cannot re-import; workers must not need it.
    body = (
        "import actors\n"
        "print('top level', flush=True)\n"
        "with actors.ContextPool(size=2, processes=2) as pool:\n"
        "    print(pool.spawn(apis=None).eval('40 + 2'))\n"
    )
    if guarded:
        body = "if __name__ == '__main__':\n" + "".join(f"    {line}\n" for line in body.splitlines())
    env = {k: v for k, v in os.environ.items() if k != "ACTORS_PROCESSES"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    proc = subprocess.run(
        [sys.executable, "-"], input=body, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=90
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["top", "level", "42"]  # the top level ran once: never in a worker
