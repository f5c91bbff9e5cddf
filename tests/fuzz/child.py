"""One slice of one target, in its own process (started by the runner), or a replay.

``python -m tests.fuzz.child SLICE_JSON``: run cases until the slice's time
is up. Before each case its JSON goes to ``<work>/current-<slice>.json``
(flushed, so a crash leaves it); a property violation is written to
``<work>/finding-<slice>-<n>.json`` and the slice goes on with a fresh
environment. The last line on stdout is ``{"cases": n}``. A case that runs
past the case deadline dumps every thread's stack and exits (a hang).
"""

from __future__ import annotations

import faulthandler
import json
import os
import random
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from tests.fuzz import targets
from tests.fuzz.core import Env, Finding


def _write(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    with open(tmp, "w") as f:
        json.dump(data, f)
        f.flush()
    os.replace(tmp, path)


def run_case(mod: Any, case: dict[str, Any], env: Env | None) -> None:
    if getattr(mod, "NEEDS_ENV", True):
        assert env is not None
        mod.run(case, env)
        env.check_sibling()
    else:
        mod.run(case, None)


def make_env(mod: Any) -> Env | None:
    if not getattr(mod, "NEEDS_ENV", True):
        return None
    return Env(processes=getattr(mod, "PROCESSES", 0))


def slice_main(spec: dict[str, Any]) -> int:
    mod = targets.load(spec["target"])
    work = Path(spec["work"])
    current = work / f"current-{spec['slice']}.json"
    end = time.monotonic() + spec["seconds"]
    env = make_env(mod)
    n = 0
    findings = 0
    try:
        while time.monotonic() < end:
            rng = random.Random(f"{spec['seed']}:{n}")
            case = mod.generate(rng)
            case["index"] = n
            record = {"target": spec["target"], "seed": spec["seed"], "index": n, "case": case}
            _write(current, record)
            faulthandler.dump_traceback_later(spec["case_deadline"], exit=True)
            try:
                run_case(mod, case, env)
            except Finding as f:
                findings += 1
                record.update(kind=f.kind, detail=f.detail, traceback=traceback.format_exc())
                _write(work / f"finding-{spec['slice']}-{findings}.json", record)
                if env is not None:
                    try:
                        env.close()
                    except Exception:
                        pass
                env = make_env(mod)
            finally:
                faulthandler.cancel_dump_traceback_later()
            n += 1
            print(json.dumps({"progress": n}), flush=True)
    finally:
        if env is not None:
            faulthandler.dump_traceback_later(30.0, exit=True)  # a stop that hangs is a hang
            env.close()
            faulthandler.cancel_dump_traceback_later()
    current.unlink(missing_ok=True)
    print(json.dumps({"cases": n, "findings": findings}), flush=True)
    return 0


def replay(path: Path) -> int:
    """Run one recorded case in this process; exit 1 if a property fails."""
    record = json.loads(path.read_text())
    mod = targets.load(record["target"])
    env = make_env(mod)
    try:
        run_case(mod, record["case"], env)
    except Finding as f:
        print(f"FINDING {f.kind}: {f.detail}")
        return 1
    finally:
        if env is not None:
            env.close()
    print("the case passes")
    return 0


if __name__ == "__main__":
    faulthandler.enable()
    sys.setrecursionlimit(20000)  # comparing values 1,000 deep recurses twice per level
    arg = sys.argv[1]
    if arg == "--replay":
        raise SystemExit(replay(Path(sys.argv[2])))
    raise SystemExit(slice_main(json.loads(arg)))
