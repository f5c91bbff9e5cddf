"""Entry point for ``python -m actors``."""

from actors.cli import main

raise SystemExit(main(prog="python -m actors"))
