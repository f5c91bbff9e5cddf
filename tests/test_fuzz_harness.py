"""The fuzz harness (tests/fuzz) keeps what it promises: reproducible cases and
a reproducer for every crash."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # pytest puts tests/ on sys.path, not the root the harness package lives
    # under; appended, so an instrumented copy first on PYTHONPATH still wins
    sys.path.append(str(ROOT))

from tests.fuzz import targets  # noqa: E402
from tests.fuzz.runner import sanitizer_summary  # noqa: E402

pytestmark = pytest.mark.mode_independent


@pytest.mark.parametrize("name", targets.NAMES)
def test_a_case_is_the_same_json_for_the_same_seed(name: str) -> None:
    mod = targets.load(name)
    for i in range(30):
        first = mod.generate(random.Random(f"seed:{i}"))
        again = mod.generate(random.Random(f"seed:{i}"))
        assert json.loads(json.dumps(first)) == first == again


def test_a_crashing_case_and_a_broken_property_are_both_kept_as_reproducers(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    args = ["--target", "selftest", "--seconds", "8", "--jobs", "1", "--out", str(tmp_path)]
    proc = subprocess.run(
        [sys.executable, "-m", "tests.fuzz", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    found = {p.name: p for p in (tmp_path / "findings").iterdir()}
    crash = [p for name, p in found.items() if "signal-SIGSEGV" in name]
    broken = [p for name, p in found.items() if "selftest-property" in name]
    assert crash and broken, sorted(found)
    assert json.loads((crash[0] / "case.json").read_text())["case"]["index"] == 5
    assert json.loads((broken[0] / "case.json").read_text())["case"]["index"] == 3
    assert "cases per target" in proc.stdout


def test_a_sanitizer_report_is_summarized_by_kind_and_first_frames() -> None:
    report = """==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x6 at pc 0x7 bp 0x8 sp 0x9
READ of size 8 at 0x6 thread T3
    #0 0x7f in ctx_interrupt /src/native/context.c:120
    #1 0x7f in __js_poll_interrupts /src/quickjs.c:7000
    #2 0x7f in JS_CallInternal /src/quickjs.c:17000
"""
    assert sanitizer_summary(report) == (
        "AddressSanitizer:heap-use-after-free",
        ["ctx_interrupt", "__js_poll_interrupts", "JS_CallInternal"],
    )
    ub = (
        "native/codec.c:10:5: runtime error: signed integer overflow: 1 + 2147483647\n"
        "    #0 0x1 in enc /x/codec.c:10\n"
    )
    kind, frames = sanitizer_summary(ub) or ("", [])
    assert kind.startswith("UBSan:signed integer overflow") and frames == ["enc"]
