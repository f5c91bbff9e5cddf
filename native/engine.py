"""Fetch and verify the pinned QuickJS-NG engine sources, then patch a copy.

The engine is never committed. It comes from the ``quickjs-ng`` sdist on PyPI,
downloaded with ``pip download`` (so the user's index, proxy and mirror settings
apply), checked against a pinned sha256 and unpacked into a cache directory.
``QUICKJS_NG_SRC=<dir>`` points the build at a local source tree instead.

The few engine patches (``native/patches/NNNN-name.patch``, unified diffs,
applied in name order) are applied to a copy of the verified sources in a
build directory, never to the cache: ``patched_sources(dest)``. Each hunk must
match the pinned text exactly (at its line or, failing that, at exactly one
other place); anything else is an error, so a patch cannot silently go stale.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "0.17.0.2"
SDIST = f"quickjs_ng-{VERSION}.tar.gz"
SHA256 = "43d2e48272208721a7aaea8e3f02d4b9318f12ef20cc4f5421b59d9a470706ef"
ENGINE_DIR = "upstream-quickjs"
ENGINE_FILES = ("quickjs.c", "libregexp.c", "libunicode.c", "dtoa.c", "quickjs.h")


class EngineSourceError(RuntimeError):
    """The engine sources could not be obtained or failed verification."""


def cache_dir() -> Path:
    """Where verified sources are unpacked (``ACTORS_ENGINE_CACHE`` overrides)."""
    env = os.environ.get("ACTORS_ENGINE_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "actors-engine" / f"quickjs-ng-{VERSION}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _check_tree(src: Path) -> Path:
    missing = [name for name in ENGINE_FILES if not (src / name).is_file()]
    if missing:
        raise EngineSourceError(f"{src} is not a QuickJS-NG source tree (missing {', '.join(missing)})")
    return src


def _pip_command() -> list[str]:
    """How to run pip: this interpreter's, or the one on PATH as a last resort.

    Under build isolation pip is a build requirement (pyproject.toml), so
    ``sys.executable -m pip`` normally works; a front end that installs build
    requirements without pip (uv, build with an installer of its own) may leave
    only a ``pip`` on PATH.
    """
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    for name in ("pip3", "pip"):
        found = shutil.which(name)
        if found:
            return [found]
    raise EngineSourceError(
        f"cannot download {SDIST}: pip is not importable by {sys.executable} and no pip is on PATH.\n"
        "Set QUICKJS_NG_SRC to a local QuickJS-NG source directory to build offline."
    )


def _download(dest: Path) -> Path:
    cmd = [
        *_pip_command(),
        "download",
        "--no-binary",
        ":all:",
        "--no-deps",
        f"quickjs-ng=={VERSION}",
        "-d",
        str(dest),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    sdist = dest / SDIST
    # pip may fail after saving the file (preparing metadata needs a build
    # backend); the sha256 check below is what decides whether the file is good.
    if not sdist.is_file():
        raise EngineSourceError(
            f"could not download {SDIST} with pip (exit {proc.returncode}):\n{proc.stderr[-2000:]}\n"
            "Set QUICKJS_NG_SRC to a local QuickJS-NG source directory to build offline."
        )
    return sdist


def _unpack(sdist: Path, target: Path) -> None:
    got = _sha256(sdist)
    if got != SHA256:
        raise EngineSourceError(f"{sdist.name}: sha256 {got} does not match the pinned {SHA256}")
    prefix = f"quickjs_ng-{VERSION}/{ENGINE_DIR}/"
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".unpack-"))
    try:
        with tarfile.open(sdist) as tar:
            for member in tar.getmembers():
                if not member.name.startswith(prefix) or not member.isfile():
                    continue
                name = member.name[len(prefix) :]
                if "/" in name or name.startswith("."):
                    continue
                fobj = tar.extractfile(member)
                if fobj is None:
                    continue
                (tmp / name).write_bytes(fobj.read())
        _check_tree(tmp)
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def engine_sources() -> Path:
    """Return a directory holding the verified engine sources, fetching them if needed."""
    override = os.environ.get("QUICKJS_NG_SRC")
    if override:
        return _check_tree(Path(override).resolve())
    target = cache_dir()
    stamp = target / ".sha256"
    if target.is_dir() and stamp.is_file() and stamp.read_text().strip() == SHA256:
        return _check_tree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="actors-engine-") as tmp:
        sdist = _download(Path(tmp))
        _unpack(sdist, target)
    stamp.write_text(SHA256 + "\n")
    return target


PATCH_DIR = Path(__file__).resolve().parent / "patches"


def _parse_patch(text: str, name: str) -> dict[str, list[tuple[int, list[str], list[str]]]]:
    """{file: [(old_start, old_lines, new_lines), ...]} of a unified diff."""
    files: dict[str, list[tuple[int, list[str], list[str]]]] = {}
    lines = text.splitlines(keepends=True)
    i = 0
    target = None
    while i < len(lines):
        line = lines[i]
        if line.startswith("+++ "):
            path = line[4:].strip().split("\t")[0]
            target = path[2:] if path.startswith(("a/", "b/")) else path
            if "/" in target:
                raise EngineSourceError(f"{name}: patches touch top-level engine files only, not {target}")
            files.setdefault(target, [])
            i += 1
            continue
        if line.startswith("@@"):
            if target is None:
                raise EngineSourceError(f"{name}: hunk before a +++ line")
            try:
                old_start = int(line.split()[1][1:].split(",")[0])
            except (IndexError, ValueError) as exc:
                raise EngineSourceError(f"{name}: bad hunk header {line.strip()!r}") from exc
            old: list[str] = []
            new: list[str] = []
            i += 1
            while i < len(lines) and not lines[i].startswith(("@@", "--- ", "+++ ", "diff ")):
                body = lines[i]
                if body.startswith("\\"):
                    pass  # "\ No newline at end of file"
                elif body.startswith("-"):
                    old.append(body[1:])
                elif body.startswith("+"):
                    new.append(body[1:])
                elif body.startswith(" ") or body in ("\n", ""):
                    ctx = body[1:] if body.startswith(" ") else body
                    old.append(ctx)
                    new.append(ctx)
                else:
                    raise EngineSourceError(f"{name}: unexpected line in hunk: {body!r}")
                i += 1
            files[target].append((old_start, old, new))
            continue
        i += 1
    if not files:
        raise EngineSourceError(f"{name}: not a unified diff")
    return files


def _apply_hunks(text: str, hunks: list[tuple[int, list[str], list[str]]], where: str) -> str:
    lines = text.splitlines(keepends=True)
    offset = 0
    for old_start, old, new in hunks:
        n = len(old)
        want = old_start - 1 + offset
        if lines[want : want + n] == old:
            at = want
        else:
            found = [k for k in range(len(lines) - n + 1) if lines[k : k + n] == old]
            if len(found) != 1:
                raise EngineSourceError(
                    f"{where}: hunk at line {old_start} does not apply to the pinned sources "
                    f"({'no match' if not found else f'{len(found)} matches'})"
                )
            at = found[0]
        lines[at : at + n] = new
        offset += len(new) - n
    return "".join(lines)


def patch_files() -> list[Path]:
    """The engine patches, in the order they are applied."""
    return sorted(PATCH_DIR.glob("*.patch")) if PATCH_DIR.is_dir() else []


def patched_sources(dest: Path, patches: list[Path] | None = None) -> Path:
    """A copy of the verified engine sources in ``dest`` with the patches applied.

    Files are rewritten only when their content changes, so incremental builds
    recompile only what a patch change touched.
    """
    src = engine_sources()
    dest.mkdir(parents=True, exist_ok=True)
    files = [p for p in src.iterdir() if p.is_file() and not p.name.startswith(".")]
    texts = {p.name: p.read_text(encoding="utf-8") for p in files}
    for patch in patch_files() if patches is None else patches:
        for target, hunks in _parse_patch(patch.read_text(encoding="utf-8"), patch.name).items():
            if target not in texts:
                raise EngineSourceError(f"{patch.name}: the engine has no file {target}")
            texts[target] = _apply_hunks(texts[target], hunks, f"{patch.name}: {target}")
    for name, text in texts.items():
        out = dest / name
        if not out.is_file() or out.read_text(encoding="utf-8") != text:
            tmp = out.with_suffix(out.suffix + ".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(out)
    return dest


if __name__ == "__main__":
    # `engine.py`: the verified sources; `engine.py DIR`: a patched copy in DIR
    if len(sys.argv) > 1:
        print(patched_sources(Path(sys.argv[1]).resolve()))
    else:
        print(engine_sources())
