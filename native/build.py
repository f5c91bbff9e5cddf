"""cffi build script: our C sources + the pinned QuickJS-NG engine -> actors._native.

API mode, out-of-line. The cdef is the part of ``native/actors.h`` between the
CDEF-BEGIN and CDEF-END markers, so the header is both the C API and what cffi
sees. ``ACTORS_NATIVE_SANITIZE=address,undefined`` (or ``thread``) builds an
instrumented variant with assertions on; ``ACTORS_NATIVE_DEBUG=1`` builds -O0 -g
with assertions (QuickJS then checks for leaked objects on runtime teardown).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from engine import patched_sources  # noqa: E402

# QuickJS-NG 0.17 carves small allocations out of 4 KiB arenas, one arena per
# size class (31 classes) per runtime. With one runtime per context, a fresh
# runtime's partly filled arenas cost about 55 KB: measured 167 KB -> 111 KB
# RSS per bare context with 2,000 held. The engine's own switch for "every
# allocation through the backing malloc" is its ASan mode, which changes
# nothing else in quickjs.c (it includes no sanitizer header), so we select it
# for that one file.
ARENA_OFF = "#ifndef __SANITIZE_ADDRESS__\n#define __SANITIZE_ADDRESS__ 1\n#endif\n"

OUR_SOURCES = [
    # the pool and its threads
    "pump.c",
    "clock.c",
    "waiter.c",
    "events.c",
    "sched.c",
    "timers.c",
    "ctx_api.c",
    # a context on its owner thread
    "lifecycle.c",
    "commands.c",
    "ops.c",
    "reply.c",
    "limits.c",
    "compile.c",
    "modules.c",
    "host.c",
    "codec.c",
    "mpack.c",
    "groups.c",
    "dom.c",
    # process mode
    "process/serve.c",
    "process/client.c",
    "process/wire.c",
]
ENGINE_SOURCES = ["quickjs.c", "libregexp.c", "libunicode.c", "dtoa.c"]

# The engine relies on wrapping signed arithmetic (Python's -fwrapv, which
# every normal build passes): a sanitizer build turns -fwrapv off for our
# files and back on, per file, for the engine's.
ENGINE_WRAPV = '#pragma GCC optimize ("wrapv")\n'


def _cdef() -> str:
    text = (HERE / "actors.h").read_text()
    start = text.index("/* CDEF-BEGIN */") + len("/* CDEF-BEGIN */")
    end = text.index("/* CDEF-END */")
    return text[start:end]


def _flags() -> tuple[list[str], list[str], list[tuple[str, str | None]]]:
    sanitize = os.environ.get("ACTORS_NATIVE_SANITIZE", "").strip()
    debug = os.environ.get("ACTORS_NATIVE_DEBUG", "").strip() not in ("", "0")
    cflags = ["-std=gnu11", "-Wall", "-Wextra", "-fvisibility=hidden", "-pthread"]
    ldflags = ["-pthread"]
    macros: list[tuple[str, str | None]] = [("_GNU_SOURCE", None)]
    if sanitize:
        kinds = ",".join(k.strip() for k in sanitize.split(",") if k.strip())
        cflags += ["-O1", "-g", "-fno-omit-frame-pointer", f"-fsanitize={kinds}"]
        if "undefined" in kinds:
            # the engine's JS_WriteObject calls memcpy(dst, NULL, 0) on an
            # out-of-memory path: harmless, but UBSan's nonnull check fires
            cflags.append("-fno-sanitize=nonnull-attribute")
            # Python's CFLAGS carry -fwrapv, under which GCC never reports a
            # signed overflow: our files are checked as plain C (the engine
            # keeps -fwrapv through ENGINE_WRAPV, as in a normal build).
            cflags.append("-fno-wrapv")
        ldflags += [f"-fsanitize={kinds}"]
    elif debug:
        cflags += ["-O0", "-g"]
    else:
        cflags += ["-O2"]
        macros.append(("NDEBUG", None))
    return cflags, ldflags, macros


def _rel(path: Path) -> str:
    # setuptools insists on source paths relative to setup.py's directory
    return os.path.relpath(path, Path.cwd()).replace(os.sep, "/")


def make_ffi() -> FFI:
    gen = Path(os.environ.get("ACTORS_BUILD_TMP", str(HERE / "_gen")))
    gen.mkdir(parents=True, exist_ok=True)
    # the pinned sources with native/patches/ applied, in a build directory
    engine = patched_sources(gen / "engine")
    ffibuilder = FFI()
    ffibuilder.cdef(_cdef())
    cflags, ldflags, macros = _flags()
    # The engine is third-party code compiled as is: its warnings are not ours
    # to fix. Each engine file is compiled through a generated wrapper that
    # silences them, so -Wall -Wextra stays meaningful for our own sources.
    wrapped = []
    for name in ENGINE_SOURCES:
        wrapper = gen / f"engine_{name}"
        wrapper.write_text(
            "/* generated: compiles the pinned engine file without our warning flags */\n"
            + (ARENA_OFF if name == "quickjs.c" else "")
            + (ENGINE_WRAPV if "-fno-wrapv" in cflags else "")
            + "#pragma GCC diagnostic push\n"
            '#pragma GCC diagnostic ignored "-Wall"\n'
            '#pragma GCC diagnostic ignored "-Wextra"\n'
            '#pragma GCC diagnostic ignored "-Wsign-compare"\n'
            '#pragma GCC diagnostic ignored "-Wunused-parameter"\n'
            '#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"\n'
            '#pragma GCC diagnostic ignored "-Wmissing-field-initializers"\n'
            '#pragma GCC diagnostic ignored "-Wunused-variable"\n'
            '#pragma GCC diagnostic ignored "-Wunused-but-set-variable"\n'
            '#pragma GCC diagnostic ignored "-Wenum-conversion"\n'
            '#pragma GCC diagnostic ignored "-Wcast-function-type"\n'
            f'#include "{engine / name}"\n'
            "#pragma GCC diagnostic pop\n"
        )
        wrapped.append(_rel(wrapper))
    ffibuilder.set_source(
        "actors._native",
        '#include "actors.h"\n',
        sources=[_rel(HERE / s) for s in OUR_SOURCES] + wrapped,
        include_dirs=[str(HERE), str(engine)],
        define_macros=macros,
        extra_compile_args=cflags,
        extra_link_args=ldflags,
        libraries=["m"],
    )
    return ffibuilder


ffibuilder = make_ffi()

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
