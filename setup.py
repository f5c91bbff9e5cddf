"""Build hooks: compiles actors._native with cffi (see native/build.py) and
ships the polyfills inside the package.

The polyfill sources live in ``polyfills/`` at the top of the repository; an
editable install reads them there, and every other install (wheel, sdist,
``pip install .``) gets a copy in ``actors/_polyfills``, which
``actors.apis.loader.polyfill_dir`` prefers.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


class BuildPyWithPolyfills(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "actors" / "_polyfills"
        target.mkdir(parents=True, exist_ok=True)
        sources = sorted((HERE / "polyfills").glob("*.js"))
        if not sources:
            raise RuntimeError(f"no polyfills found in {HERE / 'polyfills'}: the source tree is incomplete")
        for src in sources:
            shutil.copyfile(src, target / src.name)


setup(cffi_modules=["native/build.py:ffibuilder"], cmdclass={"build_py": BuildPyWithPolyfills})
