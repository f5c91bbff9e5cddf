"""The programs in examples/ run to completion and do what their docstrings say."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def run_example(name: str, timeout: float = 60.0) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
        check=False,
    )


@pytest.fixture(scope="module")
def rooms(pool_mode: str) -> subprocess.CompletedProcess[str]:
    return run_example("supervised_rooms.py")


def test_supervised_rooms_exits_zero(rooms: subprocess.CompletedProcess[str]) -> None:
    assert rooms.returncode == 0, f"stdout:\n{rooms.stdout}\nstderr:\n{rooms.stderr}"
    assert rooms.stdout.rstrip().endswith("done")


def test_supervised_rooms_has_a_one_paragraph_docstring() -> None:
    source = (EXAMPLES / "supervised_rooms.py").read_text(encoding="utf-8")
    assert source.startswith('"""')
    docstring = source.split('"""')[1].strip()
    assert len(docstring.split("\n\n")) == 1
    assert "Supervisor" in docstring


def test_supervised_rooms_crashes_a_room_and_restarts_it_with_fresh_state(
    rooms: subprocess.CompletedProcess[str],
) -> None:
    out = rooms.stdout
    assert re.search(r"old lobby #\d+ exited: reason=error, Error: lobby was told to crash", out)
    assert re.search(r"lobby restarted as #\d+; history now \[\] \(fresh state\)", out)
    assert "the old incarnation refuses calls: ContextDeadError (error)" in out
    assert re.search(r"old random #\d+ exited: reason=memory", out)
    assert re.search(r"random restarted as #\d+; history now \[\]", out)
    started = re.findall(r"started room '(\w+)' as context #(\d+)", out)
    assert [room for room, _id in started] == ["lobby", "python", "random", "lobby", "random"]
    assert len({ctx_id for _room, ctx_id in started}) == 5  # every incarnation is a new context


def test_supervised_rooms_keeps_the_other_rooms_serving(rooms: subprocess.CompletedProcess[str]) -> None:
    out = rooms.stdout
    assert "history of python: ['guido: 3.13 is out', 'tim: beautiful is better than ugly']" in out
    assert "history of random: ['eve: anyone here?']" in out
    assert "history of lobby: ['ada: back again']" in out
    assert "supervisor alive=True, 3/3 rooms running" in out


def test_supervised_rooms_stops_the_rooms_in_reverse_order(rooms: subprocess.CompletedProcess[str]) -> None:
    tail = rooms.stdout.split("== shutting down")[1]
    exits = [line.strip().split()[1] for line in tail.splitlines() if "exited: normal" in line]
    assert exits == ["'random'", "'python'", "'lobby'"]
    assert "supervisor exit_reason=normal; rooms alive: [False, False, False]" in tail
