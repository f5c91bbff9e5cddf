"""Build a sanitizer copy of the package beside the source tree (for .ci/sanitize).

``python .ci/sanitize_build.py OUT`` leaves ``OUT/pkg/actors`` (the Python
package, its polyfills and an ``_native`` built with
``ACTORS_NATIVE_SANITIZE``, default ``address,undefined``), importable with
``PYTHONPATH=OUT/pkg``. The editable install in the source tree and its
``actors/_native*.so`` are not touched: the flags are native/build.py's own
(``_flags``), the sources are compiled by absolute path into ``OUT/obj``
(cffi's own ``compile()`` would chdir and build beside the sources), and
``CC=ccache gcc`` is used when ccache is installed.
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(out: Path) -> None:
    os.environ.setdefault("ACTORS_NATIVE_SANITIZE", "address,undefined")
    os.environ["ACTORS_BUILD_TMP"] = str(out / "gen")
    if shutil.which("ccache") and "CC" not in os.environ:
        cc = sysconfig.get_config_var("CC") or "gcc"
        os.environ["CC"] = f"ccache {cc}"
        # distutils links with LDSHARED, which names the compiler again
        ldshared = sysconfig.get_config_var("LDSHARED") or f"{cc} -shared"
        os.environ.setdefault("LDSHARED", f"ccache {ldshared}")
    sys.path.insert(0, str(ROOT / "native"))
    from cffi.ffiplatform import compile as cffi_compile
    from setuptools import Extension

    # native/build.py, by path: a plain `import build` sorts differently for
    # ruff depending on whether a build/ folder exists in the checkout
    build = importlib.import_module("build")

    ffi = build.make_ffi()
    pkg = out / "pkg"
    shutil.rmtree(pkg, ignore_errors=True)
    shutil.copytree(
        ROOT / "actors",
        pkg / "actors",
        ignore=shutil.ignore_patterns("__pycache__", "_native*.so", "_polyfills"),
    )
    shutil.copytree(ROOT / "polyfills", pkg / "actors" / "_polyfills", ignore=shutil.ignore_patterns("*.md"))
    gen = out / "gen"
    gen.mkdir(parents=True, exist_ok=True)
    c_file = gen / "_native.c"
    ffi.emit_c_code(str(c_file))
    cflags, ldflags, macros = build._flags()
    engine = gen / "engine"  # the patched engine copy make_ffi() wrote (native/patches applied)
    sources = [str(c_file)]
    sources += [str(ROOT / "native" / s) for s in build.OUR_SOURCES]
    sources += [str(gen / f"engine_{s}") for s in build.ENGINE_SOURCES]
    ext = Extension(
        "actors._native",
        sources=sources,
        include_dirs=[str(ROOT / "native"), str(engine)],
        define_macros=macros,
        extra_compile_args=cflags,
        extra_link_args=ldflags,
        libraries=["m"],
    )
    obj = out / "obj"
    obj.mkdir(parents=True, exist_ok=True)
    # from a directory without a pyproject.toml: distutils would read ours
    os.chdir(obj)
    so = Path(cffi_compile(".", ext)).resolve()
    shutil.copy2(so, pkg / "actors" / so.name)
    print(f"sanitizer build ({os.environ['ACTORS_NATIVE_SANITIZE']}): {pkg / 'actors' / so.name}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build/sanitize").resolve())
