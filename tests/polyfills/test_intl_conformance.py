"""test262's intl402 tests through a context with the ``intl`` group.

Each test runs as test262's INTERPRETING.md says: ``harness/assert.js``,
``harness/sta.js`` and the includes named in its front matter, then the test,
as one non-strict script (this snapshot has no ``flags``, ``negative`` or async
tests), in a fresh context, after touching ``Intl`` (which loads the group and
with it the locale methods of the built-ins). The data directory comes from ``TEST262_INTL402``
(default ``../shared/data/test262-intl402`` beside the checkout); the tests skip
when it is missing.

A failing test must be listed in ``tests/data/intl402_known_failures.txt`` with
the reason; an unlisted failure fails the run, and so does a listed test that
now passes (so the list stays true). Thread mode runs every test; process mode
runs every fourth (same code, the host calls just cross a process boundary), to
keep the run under a minute. ``python tests/polyfills/test_intl_conformance.py``
prints the pass rate per constructor.
"""

from __future__ import annotations

import os
import re
import sys
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import actors
from actors.errors import ActorsError

ROOT = Path(__file__).resolve().parent.parent.parent
DATA_DIR = Path(os.environ.get("TEST262_INTL402", str(ROOT.parent / "shared" / "data" / "test262-intl402")))
KNOWN = ROOT / "tests" / "data" / "intl402_known_failures.txt"
PROCESS_MODE_STRIDE = 4
REQUIRED_PASS_RATE = 0.75

pytestmark = pytest.mark.skipif(
    not (DATA_DIR / "test" / "intl402").is_dir(), reason=f"test262 intl402 data not found at {DATA_DIR}"
)

_INCLUDES_RE = re.compile(r"^includes:\s*\[([^\]]*)\]", re.M)
_INCLUDES_LIST_RE = re.compile(r"^includes:\s*\n((?:\s+-\s*\S+\n)+)", re.M)


def all_tests() -> list[str]:
    """Test ids (paths under test/intl402), sorted."""
    base = DATA_DIR / "test" / "intl402"
    return sorted(str(p.relative_to(base)) for p in base.rglob("*.js") if not p.name.endswith("_FIXTURE.js"))


def _includes(source: str) -> list[str]:
    m = _INCLUDES_RE.search(source)
    if m:
        return [x.strip() for x in m.group(1).split(",") if x.strip()]
    m = _INCLUDES_LIST_RE.search(source)
    if m:
        return [line.strip().lstrip("-").strip() for line in m.group(1).splitlines() if line.strip()]
    return []


_harness_cache: dict[str, str] = {}


def _harness(name: str) -> str:
    text = _harness_cache.get(name)
    if text is None:
        text = _harness_cache[name] = (DATA_DIR / "harness" / name).read_text(encoding="utf-8")
    return text


def program(test_id: str) -> str:
    """The whole script for one test: harness, includes, test."""
    source = (DATA_DIR / "test" / "intl402" / test_id).read_text(encoding="utf-8")
    parts = [_harness("assert.js"), _harness("sta.js")]
    parts += [_harness(name) for name in _includes(source)]
    # The group loads on first touch of `Intl`; the locale methods of Date, Number, BigInt,
    # String and Array use it from then on (see the module docstring of actors.apis.intl).
    parts.append("void globalThis.Intl;")
    parts.append(source)
    return "\n".join(parts) + "\n;0"


def run_one(pool: actors.ContextPool, test_id: str) -> str | None:
    """None when the test passes, else the error it ended with."""
    try:
        ctx = pool.spawn(apis=["intl"], timeout=20.0, memory_limit=256 << 20)
    except ActorsError as exc:  # pragma: no cover - the pool itself failing
        return f"spawn failed: {exc}"
    try:
        ctx.eval(program(test_id), filename=test_id)
        return None
    except ActorsError as exc:
        return str(exc).splitlines()[0][:300]
    finally:
        ctx.stop()


def run_all(pool: actors.ContextPool, tests: Iterable[str], workers: int = 4) -> dict[str, str | None]:
    tests = list(tests)
    with ThreadPoolExecutor(workers) as ex:
        return dict(zip(tests, ex.map(lambda t: run_one(pool, t), tests), strict=True))


def read_known(path: Path = KNOWN) -> dict[str, str]:
    """{test id: reason} from the known-failures file."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        test_id, _, reason = line.partition("#")
        out[test_id.strip()] = reason.strip()
    return out


def constructor_of(test_id: str) -> str:
    return test_id.split("/", 1)[0] if "/" in test_id else "(top level)"


def pass_rates(results: dict[str, str | None]) -> dict[str, tuple[int, int]]:
    total: Counter[str] = Counter()
    passed: Counter[str] = Counter()
    for test_id, err in results.items():
        c = constructor_of(test_id)
        total[c] += 1
        passed[c] += err is None
    return {c: (passed[c], total[c]) for c in sorted(total)}


def test_intl402_failures_are_all_known_and_every_listed_one_still_fails(pool_mode: str) -> None:
    tests = all_tests()
    if pool_mode == "processes":
        tests = tests[::PROCESS_MODE_STRIDE]
    known = read_known()
    pool = actors.ContextPool(size=2)
    try:
        results = run_all(pool, tests)
    finally:
        pool.stop()
    unexpected = {t: e for t, e in results.items() if e is not None and t not in known}
    fixed = sorted(t for t, e in results.items() if e is None and t in known)
    assert not unexpected, "failures not listed in intl402_known_failures.txt:\n" + "\n".join(
        f"{t}: {e}" for t, e in sorted(unexpected.items())[:40]
    )
    assert not fixed, "listed as known failures but now pass (remove them):\n" + "\n".join(fixed[:40])
    passed = sum(e is None for e in results.values())
    assert passed / len(results) >= REQUIRED_PASS_RATE


def test_every_known_failure_names_a_test_that_exists_and_gives_a_reason() -> None:
    existing = set(all_tests())
    for test_id, reason in read_known().items():
        assert test_id in existing, test_id
        assert reason, f"{test_id} has no reason"


if __name__ == "__main__":  # pragma: no cover - the report and the list's first draft
    pool = actors.ContextPool(size=2)
    try:
        res = run_all(pool, all_tests())
    finally:
        pool.stop()
    for c, (p, t) in pass_rates(res).items():
        print(f"{c:20s} {p:4d}/{t:<4d} {100 * p / t:5.1f}%")
    p = sum(e is None for e in res.values())
    print(f"{'total':20s} {p:4d}/{len(res):<4d} {100 * p / len(res):5.1f}%")
    if "--failures" in sys.argv:
        with open(sys.argv[sys.argv.index("--failures") + 1], "w", encoding="utf-8") as f:
            for t, e in sorted(res.items()):
                if e is not None:
                    f.write(f"{t}  # {e}\n")
