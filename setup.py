"""Build hook: compiles actors._native with cffi (see native/build.py)."""

from setuptools import setup

setup(cffi_modules=["native/build.py:ffibuilder"])
