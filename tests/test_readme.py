"""Every Python example in the README runs as written.

Each ```python block is run on its own in a fresh interpreter, from an empty
folder, exactly as a reader would paste it: it must exit 0 and print no
traceback. Blocks that print state what they print in comments; where a
comment says ``# -> value`` on a line that prints, the value is checked.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import actors

README = Path(__file__).resolve().parent.parent / "README.md"
_PACKAGE_ROOT = str(Path(actors.__file__).resolve().parent.parent)
# fenced blocks at any indent (a block inside a list item counts too)
_BLOCK = re.compile(r"^( *)```python\n(.*?)^\1```", re.S | re.M)

pytestmark = pytest.mark.mode_independent


def python_blocks() -> list[tuple[int, str]]:
    """The README's Python blocks with the line each starts on."""
    text = README.read_text(encoding="utf-8")
    return [(text.count("\n", 0, m.start()) + 2, textwrap.dedent(m.group(2))) for m in _BLOCK.finditer(text)]


def test_the_readme_has_python_examples() -> None:
    assert len(python_blocks()) >= 5


@pytest.mark.parametrize(
    ("line", "code"), python_blocks(), ids=lambda v: f"line{v}" if isinstance(v, int) else ""
)
def test_readme_example_runs_as_written(line: int, code: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ACTORS_PROCESSES"}  # as a reader runs it
    env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    where = f"README.md line {line}"
    assert proc.returncode == 0, f"{where}: exit {proc.returncode}\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr, f"{where}:\n{proc.stderr[-3000:]}"


def test_the_first_example_hits_the_reduction_limit_before_its_timeout() -> None:
    # The example promises ReductionLimitError for a busy loop; on a slow or
    # loaded machine a budget near the timeout would raise EvalTimeoutError.
    with actors.ContextPool(size=1) as pool:
        ctx = pool.spawn(apis=None, max_reductions=10_000, timeout=5.0)
        with pytest.raises(actors.ReductionLimitError):
            ctx.eval("while (true) {}")
        assert ctx.eval("1 + 1") == 2
