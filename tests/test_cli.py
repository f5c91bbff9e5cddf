"""Tests for ``python -m actors``: the eval, run and demo commands."""

from __future__ import annotations

import datetime
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import actors
from actors.cli import EXIT_ERROR, EXIT_LIMIT, EXIT_OK, format_value, main
from actors.demo import CheckResult, format_table

# Run the CLI from the same `actors` package this test process imported.
_PACKAGE_ROOT = str(Path(actors.__file__).resolve().parent.parent)


def run_cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Runs ``python -m actors ARGS`` (with ``stdin`` as its input) and captures its output."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [sys.executable, "-m", "actors", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )


def explain(proc: subprocess.CompletedProcess[str]) -> str:
    """Describes a finished process for assertion messages."""
    return f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"


def write_script(tmp_path: Path, source: str) -> str:
    """Writes a JavaScript file and returns its path."""
    path = tmp_path / "script.js"
    path.write_text(source, encoding="utf-8")
    return str(path)


# -- eval ---------------------------------------------------------------------


def test_eval_prints_the_result() -> None:
    proc = run_cli("eval", "1+2")
    assert proc.returncode == EXIT_OK, explain(proc)
    assert proc.stdout.strip() == "3"


def test_eval_prints_objects_as_json() -> None:
    proc = run_cli("eval", "({a: [1, 'x', true, null], b: 1.5})")
    assert proc.returncode == EXIT_OK, explain(proc)
    assert json.loads(proc.stdout) == {"a": [1, "x", True, None], "b": 1.5}


def test_eval_prints_null_for_undefined() -> None:
    proc = run_cli("eval", "undefined")
    assert proc.returncode == EXIT_OK, explain(proc)
    assert proc.stdout.strip() == "null"


def test_eval_awaits_top_level_await() -> None:
    proc = run_cli("eval", "await Promise.resolve(40) + 2")
    assert proc.returncode == EXIT_OK, explain(proc)
    assert proc.stdout.strip() == "42"


def test_eval_of_a_throwing_script_exits_1_with_name_and_message() -> None:
    proc = run_cli("eval", "throw new TypeError('bad thing')")
    assert proc.returncode == EXIT_ERROR, explain(proc)
    assert "JSError: TypeError: bad thing" in proc.stderr
    assert proc.stdout == ""


def test_eval_of_a_syntax_error_exits_1() -> None:
    proc = run_cli("eval", "1 +* 2")
    assert proc.returncode == EXIT_ERROR, explain(proc)
    assert "JSError: SyntaxError" in proc.stderr


@pytest.mark.parametrize(
    ("options", "code", "error"),
    [
        (["--max-reductions", "1000"], "while (true) {}", "ReductionLimitError"),
        (["--memory-limit", "4M"], "'x'.repeat(2 ** 26).length", "MemoryLimitError"),
        (["--timeout", "0.2"], "for (;;) {}", "EvalTimeoutError"),
    ],
)
def test_eval_that_hits_a_limit_exits_2_naming_the_limit(options: list[str], code: str, error: str) -> None:
    proc = run_cli("eval", code, *options)
    assert proc.returncode == EXIT_LIMIT, explain(proc)
    assert error in proc.stderr
    assert proc.stdout == ""


def test_eval_with_bare_apis_still_has_the_host_bridge() -> None:
    proc = run_cli("eval", "typeof Host.callSync", "--apis", "none")
    assert proc.returncode == EXIT_OK, explain(proc)
    assert json.loads(proc.stdout) == "function"


def test_eval_with_an_unknown_api_group_exits_1_naming_it() -> None:
    proc = run_cli("eval", "1", "--apis", "timers,nosuchgroup")
    assert proc.returncode == EXIT_ERROR, explain(proc)
    assert "nosuchgroup" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- run ----------------------------------------------------------------------


def test_run_prints_the_completion_value_of_a_file(tmp_path: Path) -> None:
    script = write_script(
        tmp_path,
        "function answer(x) { return x + 2 }\n"
        "const base = await new Promise(r => setTimeout(() => r(40), 10));\n"
        "answer(base)\n",
    )
    proc = run_cli("run", script)
    assert proc.returncode == EXIT_OK, explain(proc)
    assert proc.stdout.strip() == "42"


def test_run_prints_nothing_when_the_value_is_undefined(tmp_path: Path) -> None:
    proc = run_cli("run", write_script(tmp_path, "const x = 1;\n"))
    assert proc.returncode == EXIT_OK, explain(proc)
    assert proc.stdout == ""


def test_run_shows_console_log_output(tmp_path: Path) -> None:
    proc = run_cli("run", write_script(tmp_path, "console.log('hello from js');\n"))
    assert proc.returncode == EXIT_OK, explain(proc)
    assert "hello from js" in proc.stdout + proc.stderr


def test_run_of_a_throwing_file_exits_1_with_a_stack(tmp_path: Path) -> None:
    script = write_script(
        tmp_path,
        "function inner() { throw new RangeError('too far') }\nfunction outer() { inner() }\nouter()\n",
    )
    proc = run_cli("run", script)
    assert proc.returncode == EXIT_ERROR, explain(proc)
    assert "JSError: RangeError: too far" in proc.stderr
    assert "inner" in proc.stderr
    assert "script.js" in proc.stderr


def test_run_that_hits_a_limit_exits_2(tmp_path: Path) -> None:
    script = write_script(tmp_path, "let n = 0;\nwhile (true) { n++ }\n")
    proc = run_cli("run", script, "--max-reductions", "1000")
    assert proc.returncode == EXIT_LIMIT, explain(proc)
    assert "ReductionLimitError" in proc.stderr


def test_run_of_a_missing_file_exits_1(tmp_path: Path) -> None:
    proc = run_cli("run", str(tmp_path / "missing.js"))
    assert proc.returncode == EXIT_ERROR, explain(proc)
    assert "missing.js" in proc.stderr


# -- demo ---------------------------------------------------------------------


def test_demo_with_50_contexts_passes_every_check_and_prints_the_table() -> None:
    proc = run_cli("demo", "--contexts", "50", "--threads", "4")
    assert proc.returncode == EXIT_OK, explain(proc)
    lines = proc.stdout.splitlines()
    header = next((line for line in lines if line.startswith("check ")), None)
    assert header is not None, explain(proc)
    assert [cell.strip() for cell in header.split("|")] == ["check", "result", "detail"]
    rows = [line for line in lines[lines.index(header) + 2 :] if " | " in line]
    names = [row.split("|")[0].strip() for row in rows]
    assert "spawn 50 contexts" in names
    assert "isolation" in names
    assert "max_reductions" in names
    assert "dom" in names and "crash containment" in names
    results = {row.split("|")[1].strip() for row in rows}
    assert results <= {"pass", "skip"}, explain(proc)
    assert "checks passed" in proc.stdout


def test_demo_refuses_fewer_than_two_contexts() -> None:
    proc = run_cli("demo", "--contexts", "1")
    assert proc.returncode == 2, explain(proc)
    assert "--contexts" in proc.stderr


# -- helpers ------------------------------------------------------------------


def test_format_value_writes_strict_json_for_every_value_that_crosses_the_boundary() -> None:
    assert format_value(None) == "null"
    assert format_value({"a": [1, 2.5, "é"]}) == '{"a": [1, 2.5, "é"]}'
    assert json.loads(format_value(b"\x01\xff")) == "Af8="  # base64
    assert json.loads(format_value(datetime.datetime(2024, 1, 30, 12, 0, tzinfo=datetime.timezone.utc))) == (
        "2024-01-30T12:00:00+00:00"
    )
    assert json.loads(format_value([math.nan, math.inf, -math.inf])) == [None, None, None]
    assert json.loads(format_value({1: "int key", (1, 2): "tuple key"})) == {
        "1": "int key",
        "[1, 2]": "tuple key",
    }
    assert json.loads(format_value(2**70)) == 2**70


def test_format_table_aligns_the_columns() -> None:
    table = format_table(
        [
            CheckResult("isolation", "pass", "ok"),
            CheckResult("a much longer check name", "FAIL", "broke"),
        ]
    )
    lines = table.splitlines()
    assert len(lines) == 4
    assert len({line.index("|") for line in lines if "|" in line}) == 1
    assert lines[1].startswith("-" * len("a much longer check name") + "-+-")


def test_main_rejects_a_bad_memory_size(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["eval", "1", "--memory-limit", "lots"])
    assert raised.value.code == 2
    assert "not a byte size" in capsys.readouterr().err


# -- standard input, version, deadline, program name ------------------------------------


def test_eval_dash_reads_the_code_from_standard_input() -> None:
    proc = run_cli("eval", "-", stdin="const x = 20;\nx + 22")
    assert proc.returncode == EXIT_OK, explain(proc)
    assert json.loads(proc.stdout) == 42


def test_run_dash_runs_standard_input_as_a_script() -> None:
    proc = run_cli("run", "-", stdin="await 0;\n[1, 2].map(x => x * 2)")
    assert proc.returncode == EXIT_OK, explain(proc)
    assert json.loads(proc.stdout) == [2, 4]


def test_a_syntax_error_on_standard_input_names_stdin_and_the_line() -> None:
    proc = run_cli("run", "-", stdin="1 +\n+ +;")
    assert proc.returncode == EXIT_ERROR, explain(proc)
    assert "<stdin>:2:" in proc.stderr


def test_version_prints_the_package_version() -> None:
    proc = run_cli("--version")
    assert proc.returncode == 0, explain(proc)
    assert proc.stdout.strip() == f"python -m actors {actors.__version__}"


def test_eval_of_a_promise_that_never_settles_ends_at_the_default_deadline() -> None:
    proc = run_cli("eval", "--timeout", "0.5", "await new Promise(() => {})")
    assert proc.returncode == EXIT_LIMIT, explain(proc)
    assert "EvalTimeoutError" in proc.stderr


def test_eval_has_a_default_timeout() -> None:
    from actors.cli import DEFAULT_TIMEOUT, build_parser

    args = build_parser().parse_args(["eval", "1"])
    assert args.timeout == DEFAULT_TIMEOUT > 0
    assert build_parser().parse_args(["eval", "--timeout", "none", "1"]).timeout is None


def test_eval_prints_bytes_and_dates_as_real_json() -> None:
    proc = run_cli("eval", "[new Uint8Array([1, 255]), new Date(0), NaN]")
    assert proc.returncode == EXIT_OK, explain(proc)
    assert json.loads(proc.stdout) == ["Af8=", "1970-01-01T00:00:00+00:00", None]


def test_usage_names_the_program_as_it_was_invoked(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"], prog="actors")
    assert capsys.readouterr().out.startswith("usage: actors ")
    proc = run_cli("--help")
    assert proc.stdout.startswith("usage: python -m actors "), explain(proc)
