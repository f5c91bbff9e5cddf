"""The fuzz runner: slices in child processes, findings with their reproducers.

``python -m tests.fuzz [--target T ...] [--seconds S] [--seed N] [--jobs J]
[--sanitized PKG_DIR] [--out DIR]``. Exits 1 if anything was found.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fuzz import targets

ROOT = Path(__file__).resolve().parents[2]
SANITIZER_OPTIONS = {
    "ASAN_OPTIONS": "detect_leaks=0:halt_on_error=1:abort_on_error=1:allocator_may_return_null=1",
    "UBSAN_OPTIONS": "halt_on_error=1:abort_on_error=1:print_stacktrace=1",
}
_FRAME = re.compile(r"#\d+ 0x[0-9a-f]+ in (\S+)")
_SKIP_FRAME = ("__interceptor", "__asan", "__ubsan", "__sanitizer", "_Py", "Py", "ffi_call", "_cffi")


@dataclass
class Slice:
    target: str
    number: int
    seed: str
    proc: subprocess.Popen[bytes]
    started: float
    stdout: Path
    stderr: Path


@dataclass
class Stats:
    cases: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    findings: dict[str, dict[str, Any]] = field(default_factory=dict)  # signature -> summary


def sanitizer_summary(text: str) -> tuple[str, list[str]] | None:
    """The kind of the first sanitizer report in ``text`` and its top frames."""
    m = re.search(r"ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer): ([\w-]+)", text)
    if m:
        kind = f"{m.group(1)}:{m.group(2)}"
        pos = m.end()
    else:
        m = re.search(r"^(\S+:\d+:\d+): runtime error: (.*)$", text, re.M)
        if not m:
            return None
        kind = f"UBSan:{m.group(2)[:80]} at {Path(m.group(1)).name}"
        pos = m.end()
    frames = [f for f in _FRAME.findall(text[pos:]) if not f.startswith(_SKIP_FRAME)]
    return kind, frames[:4]


def _hung_in(text: str) -> list[str]:
    """Where a hung case waited: the innermost library and target frames of
    the thread faulthandler shows running a target (most recent call first)."""
    for block in text.split("\n\n"):
        if "tests/fuzz/t_" not in block:
            continue
        lib = re.findall(r'File ".*?/actors/([\w/]+\.py)", line \d+ in (\w+)', block)
        tgt = re.findall(r'File ".*?/tests/fuzz/(t_\w+\.py)", line (\d+)', block)
        return [f"{f}:{fn}" for f, fn in lib[:1]] + [f"{f}:{ln}" for f, ln in tgt[:1]]
    return []


def _signature(target: str, kind: str, frames: list[str]) -> str:
    digest = hashlib.sha1("|".join([target, kind, *frames]).encode()).hexdigest()[:10]
    slug = re.sub(r"[^\w.-]+", "_", kind)[:48]
    return f"{target}-{slug}-{digest}"


def _child_env(sanitized: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(ROOT)]
    if sanitized is not None:
        paths.insert(0, str(sanitized))
        libasan = subprocess.run(
            ["gcc", "-print-file-name=libasan.so"], capture_output=True, text=True, check=True
        ).stdout.strip()
        env["LD_PRELOAD"] = libasan
        for key, value in SANITIZER_OPTIONS.items():
            env.setdefault(key, value)
    env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("PYTHONFAULTHANDLER", "1")
    return env


class Runner:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out = Path(args.out).resolve()
        self.work = self.out / "work"
        self.found = self.out / "findings"
        self.work.mkdir(parents=True, exist_ok=True)
        self.found.mkdir(parents=True, exist_ok=True)
        self.env = _child_env(Path(args.sanitized).resolve() if args.sanitized else None)
        self.stats = Stats()
        self.counter = 0

    def start(self, target: str, seconds: float) -> Slice:
        self.counter += 1
        number = self.counter
        seed = f"{self.args.seed}:{target}:{number}"
        spec = {
            "target": target,
            "slice": number,
            "seed": seed,
            "seconds": seconds,
            "case_deadline": self.args.case_deadline,
            "work": str(self.work),
        }
        stdout = self.work / f"slice-{number}.out"
        stderr = self.work / f"slice-{number}.err"
        with open(stdout, "wb") as so, open(stderr, "wb") as se:
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.fuzz.child", json.dumps(spec)],
                cwd=self.work,  # not ROOT: the current directory would shadow a --sanitized copy
                env=self.env,
                stdout=so,
                stderr=se,
                start_new_session=True,  # its workers and forkserver go with it
            )
        return Slice(target, number, seed, proc, time.monotonic(), stdout, stderr)

    def finish(self, s: Slice, hung: bool) -> None:
        took = time.monotonic() - s.started
        self.stats.seconds[s.target] = self.stats.seconds.get(s.target, 0.0) + took
        cases = 0
        for line in s.stdout.read_text(errors="replace").splitlines():
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            cases = msg.get("cases", msg.get("progress", cases))
        self.stats.cases[s.target] = self.stats.cases.get(s.target, 0) + cases
        err = s.stderr.read_text(errors="replace")
        current = self.work / f"current-{s.number}.json"
        san = sanitizer_summary(err)
        rc = s.proc.returncode
        for path in sorted(self.work.glob(f"finding-{s.number}-*.json")):
            record = json.loads(path.read_text())
            frames = san[1] if san else []
            detail = record["detail"] + (f" [sanitizer: {san[0]} in {' < '.join(frames)}]" if san else "")
            self.record(s.target, record["kind"], frames, path, err, detail)
            path.unlink()
        abnormal = hung or rc != 0 or san is not None
        if abnormal:
            if hung:
                kind, frames = "hang", _hung_in(err)
            elif san is not None:
                kind, frames = san
            elif "Timeout (" in err:
                kind, frames = "hang", _hung_in(err)
            elif rc < 0:
                kind, frames = f"signal-{signal.Signals(-rc).name}", []
            else:
                kind, frames = f"exit-{rc}", []
            tail = "\n".join(err.splitlines()[-15:])
            detail = f"slice {s.number} exited {rc}" + (f" in {' < '.join(frames)}" if frames else "")
            self.record(
                s.target, kind, frames, current if current.exists() else None, err, detail + "\n" + tail
            )
        current.unlink(missing_ok=True)
        if not self.args.keep_logs:
            s.stdout.unlink(missing_ok=True)
            s.stderr.unlink(missing_ok=True)

    def record(
        self, target: str, kind: str, frames: list[str], case: Path | None, err: str, detail: str
    ) -> None:
        sig = _signature(target, kind, frames)
        entry = self.stats.findings.setdefault(sig, {"target": target, "kind": kind, "count": 0})
        entry["count"] += 1
        where = self.found / sig
        if where.exists() and entry["count"] > 1:
            return  # one reproducer per distinct finding and run is enough
        where.mkdir(parents=True, exist_ok=True)
        if case is not None:
            shutil.copyfile(case, where / "case.json")
        (where / "stderr.log").write_text(err)
        (where / "summary.txt").write_text(f"{target}: {kind}\n{detail}\n")
        entry["dir"] = str(where)
        entry["detail"] = detail.splitlines()[0][:300]
        print(f"FINDING {sig}: {entry['detail']}", flush=True)

    def run(self) -> int:
        names: list[str] = self.args.target or list(targets.NAMES)
        deadline = time.monotonic() + self.args.seconds
        running: list[Slice] = []
        turn = 0
        while True:
            now = time.monotonic()
            for s in list(running):
                limit = s.started + self.args.slice_seconds + self.args.case_deadline + 60
                if s.proc.poll() is not None:
                    running.remove(s)
                    self.finish(s, hung=False)
                    if s.proc.returncode != 0 and now - s.started < 3:
                        time.sleep(1.0)  # a slice that cannot start: do not spin
                elif now > limit:
                    os.killpg(s.proc.pid, signal.SIGKILL)
                    s.proc.wait()
                    running.remove(s)
                    self.finish(s, hung=True)
            left = deadline - now
            if left > 5 and len(running) < self.args.jobs:
                target = names[turn % len(names)]
                turn += 1
                running.append(self.start(target, min(self.args.slice_seconds, left)))
                continue
            if not running and left <= 5:
                break
            time.sleep(0.2)
        self.report()
        return 1 if self.stats.findings else 0

    def report(self) -> None:
        print("\ncases per target:")
        for name in self.args.target or targets.NAMES:
            n = self.stats.cases.get(name, 0)
            secs = self.stats.seconds.get(name, 0.0)
            rate = n / secs if secs else 0.0
            print(f"  {name:10s} {n:8d} cases  {secs:7.0f} s  {rate:7.1f}/s")
        if self.stats.findings:
            print(f"\n{len(self.stats.findings)} distinct findings (in {self.found}):")
            for sig, e in sorted(self.stats.findings.items()):
                print(f"  {sig} x{e['count']}: {e.get('detail', '')}")
        else:
            print("\nno findings")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    p.add_argument("--target", action="append", choices=targets.CHOICES, help="repeatable; default: all")
    p.add_argument("--seconds", type=float, default=60.0, help="total wall time (default 60)")
    p.add_argument("--seed", default=str(int(time.time())), help="run seed (default: the time)")
    p.add_argument("--jobs", type=int, default=2, help="slices running at once (default 2)")
    p.add_argument("--slice-seconds", type=float, default=30.0, help="one child's share (default 30)")
    p.add_argument("--case-deadline", type=float, default=30.0, help="a case running longer is a hang")
    p.add_argument("--sanitized", metavar="PKG_DIR", help="run children on this ASan build (LD_PRELOAD set)")
    p.add_argument("--out", default=str(ROOT / "build" / "fuzz"), help="findings and work files")
    p.add_argument("--keep-logs", action="store_true", help="keep every slice's stdout/stderr")
    p.add_argument("--replay", metavar="CASE_JSON", help="run one recorded case and exit")
    args = p.parse_args(argv)
    if args.replay:
        env = _child_env(Path(args.sanitized).resolve() if args.sanitized else None)
        cmd = [sys.executable, "-m", "tests.fuzz.child", "--replay", str(Path(args.replay).resolve())]
        return subprocess.run(cmd, cwd=Path(args.out).resolve().parent, env=env).returncode
    print(f"fuzz seed {args.seed}, {args.seconds:.0f} s, {args.jobs} jobs", flush=True)
    return Runner(args).run()
