"""Command-line interface: ``python -m actors {eval,run,demo}``.

Exit codes of ``eval`` and ``run``: 0 on success, 1 when the JavaScript threw
(or another runtime error occurred), 2 when a limit fired (memory, reductions,
timeout). ``demo`` exits 0 only when every check passed.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import json
import logging
import math
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import actors
from actors.demo import run_demo

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_LIMIT = 2
EXIT_INTERRUPTED = 130

# A command-line evaluation must end: a promise that never settles would
# otherwise hang the shell. Long jobs pass --timeout N or --timeout none.
DEFAULT_TIMEOUT = 30.0

_SIZE_SUFFIXES = {"k": 1024, "m": 1024**2, "g": 1024**3}


def _byte_size(text: str) -> int:
    """Parses a byte count such as ``512000``, ``512k``, ``64M`` or ``1G``.

    Args:
        text: The command-line value.

    Returns:
        The number of bytes.

    Raises:
        argparse.ArgumentTypeError: If the value is not a positive size.
    """
    value = text.strip().lower().removesuffix("b")
    factor = 1
    if value and value[-1] in _SIZE_SUFFIXES:
        factor = _SIZE_SUFFIXES[value[-1]]
        value = value[:-1]
    try:
        size = int(float(value) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a byte size: {text!r}") from None
    if size <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return size


def _positive_int(text: str) -> int:
    """Parses a strictly positive integer.

    Args:
        text: The command-line value.

    Returns:
        The integer.

    Raises:
        argparse.ArgumentTypeError: If the value is not a positive integer.
    """
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return number


def _positive_float(text: str) -> float:
    """Parses a strictly positive number of seconds.

    Args:
        text: The command-line value.

    Returns:
        The number.

    Raises:
        argparse.ArgumentTypeError: If the value is not a positive number.
    """
    try:
        number = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be positive: {text!r}")
    return number


def _timeout(text: str) -> float | None:
    """Parses ``--timeout``: a positive number of seconds, or ``none``.

    Args:
        text: The command-line value.

    Returns:
        The number of seconds, or None for no deadline.
    """
    if text.strip().lower() in ("none", "inf", "off"):
        return None
    return _positive_float(text)


def _apis(text: str) -> str | list[str] | None:
    """Parses ``--apis``: ``browser``, ``none`` or a comma-separated group list.

    Args:
        text: The command-line value.

    Returns:
        The value for ``pool.spawn(apis=...)``.
    """
    value = text.strip()
    if value.lower() in ("", "none", "bare"):
        return None
    if value.lower() == "browser":
        return "browser"
    return [group.strip() for group in value.split(",") if group.strip()]


def _add_context_options(parser: argparse.ArgumentParser) -> None:
    """Adds the per-context limit and API options shared by ``eval`` and ``run``.

    Args:
        parser: The subcommand parser.
    """
    parser.add_argument(
        "--memory-limit",
        type=_byte_size,
        metavar="BYTES",
        help="heap limit of the context (suffixes k, M, G allowed)",
    )
    parser.add_argument(
        "--max-reductions",
        type=_positive_int,
        metavar="N",
        help="CPU budget: interrupt polls (~10,000 bytecode ops each)",
    )
    parser.add_argument(
        "--timeout",
        type=_timeout,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=(
            f"wall-clock deadline in seconds, awaited promises included "
            f"(default {DEFAULT_TIMEOUT:g}; 'none' waits forever)"
        ),
    )
    parser.add_argument(
        "--max-stack-size",
        type=_byte_size,
        metavar="BYTES",
        help="JS stack limit (default 1 MB)",
    )
    parser.add_argument(
        "--apis",
        type=_apis,
        default="browser",
        metavar="LIST",
        help="'browser' (default), 'none', or groups such as 'console,timers'",
    )


def build_parser(prog: str = "actors") -> argparse.ArgumentParser:
    """Builds the argument parser of the command line.

    Args:
        prog: The program name usage lines show (``actors`` or ``python -m actors``).

    Returns:
        The parser, with one subparser per command.
    """
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Run JavaScript in isolated, limited QuickJS contexts.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {actors.__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    eval_parser = commands.add_parser(
        "eval",
        help="evaluate CODE in a fresh context and print the result as JSON",
        description="Evaluate CODE in a fresh context and print the result as JSON.",
    )
    eval_parser.add_argument("code", metavar="CODE", help="JavaScript source ('-' reads standard input)")
    _add_context_options(eval_parser)

    run_parser = commands.add_parser(
        "run",
        help="run a .js file (top-level await allowed) and print its value",
        description=(
            "Run FILE in a fresh context, wait for its top-level awaits and print "
            "its completion value unless it is undefined or null."
        ),
    )
    run_parser.add_argument(
        "file", metavar="FILE", type=Path, help="JavaScript file ('-' reads standard input)"
    )
    _add_context_options(run_parser)

    demo_parser = commands.add_parser(
        "demo",
        help="spawn many contexts and show isolation, limits and messaging",
        description=(
            "Spawn many contexts on a few threads and check isolation, every "
            "limit, host handlers, messaging, head-of-line blocking and memory."
        ),
    )
    demo_parser.add_argument(
        "--contexts",
        type=_positive_int,
        default=1000,
        metavar="N",
        help="number of contexts to spawn (default 1000, at least 2)",
    )
    demo_parser.add_argument(
        "--threads",
        type=_positive_int,
        default=None,
        metavar="N",
        help="native worker threads (default: CPU count)",
    )
    return parser


def _configure_console_logging() -> None:
    """Sends JS console output (logger ``actors.console``) to stdout and stderr.

    ``console.log``/``info``/``debug`` lines go to stdout, warnings and errors to
    stderr, each as the bare message. Other loggers keep the default setup.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    console = logging.getLogger("actors.console")
    if console.handlers:  # already set up by an earlier main() in this process
        return
    console.setLevel(logging.DEBUG)
    console.propagate = False
    formatter = logging.Formatter("%(message)s")

    out = logging.StreamHandler(sys.stdout)
    out.setLevel(logging.DEBUG)
    out.addFilter(lambda record: record.levelno < logging.WARNING)
    out.setFormatter(formatter)

    err = logging.StreamHandler(sys.stderr)
    err.setLevel(logging.WARNING)
    err.setFormatter(formatter)

    console.addHandler(out)
    console.addHandler(err)


def _jsonable(value: object) -> object:
    """Maps a value that crossed the boundary onto what JSON can hold.

    Bytes become base64 text, datetimes ISO 8601 text, non-string keys their
    JSON text (as ``JSON.stringify`` does for a Map's keys turned into an
    object), and NaN or infinities ``null`` (as ``JSON.stringify`` does).
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {
            key if isinstance(key, str) else json.dumps(_jsonable(key), ensure_ascii=False): _jsonable(item)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    return value


def format_value(value: object) -> str:
    """Formats a value returned by JavaScript as strict JSON (``null`` for None).

    Args:
        value: A value that crossed the boundary.

    Returns:
        JSON text that any JSON parser reads: bytes as base64, datetimes as
        ISO 8601 strings, NaN and infinities as ``null``.
    """
    return json.dumps(_jsonable(value), ensure_ascii=False, allow_nan=False)


def _report_error(error: BaseException) -> int:
    """Prints an error raised by a context to stderr.

    Args:
        error: The exception raised by ``Context.eval``.

    Returns:
        The exit code for it.
    """
    if isinstance(error, actors.LimitError):
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return EXIT_LIMIT
    if isinstance(error, actors.JSError):
        print(f"JSError: {error.name}: {error.message}", file=sys.stderr)
        stack = (error.stack or "").rstrip()
        if stack:
            print(stack, file=sys.stderr)
        return EXIT_ERROR
    print(f"{type(error).__name__}: {error}", file=sys.stderr)
    return EXIT_ERROR


def _spawn_options(args: argparse.Namespace) -> dict[str, Any]:
    """Collects the spawn keyword arguments given on the command line.

    Args:
        args: The parsed arguments of ``eval`` or ``run``.

    Returns:
        Keyword arguments for ``pool.spawn``; unset limits are left out so the
        library's defaults apply.
    """
    options: dict[str, Any] = {"apis": args.apis}
    for name in ("memory_limit", "max_reductions", "timeout", "max_stack_size"):
        value = getattr(args, name)
        if value is not None:
            options[name] = value
    return options


def _evaluate(code: str, args: argparse.Namespace, filename: str = "<eval>") -> tuple[int, Any]:
    """Evaluates code in a fresh single-context pool.

    Args:
        code: JavaScript source; top-level ``await`` is allowed.
        args: The parsed arguments, for the context options.
        filename: The name stack traces show for the code.

    Returns:
        The exit code and the completion value (None unless the code is 0).
    """
    try:
        with actors.ContextPool(size=1) as pool:
            try:
                ctx = pool.spawn(**_spawn_options(args))
            except (ValueError, TypeError) as error:
                # Options the library refuses, e.g. an unknown API group.
                print(f"error: {error}", file=sys.stderr)
                return EXIT_ERROR, None
            return EXIT_OK, ctx.eval(code, filename=filename)
    except actors.ActorsError as error:
        return _report_error(error), None


def _cmd_eval(args: argparse.Namespace) -> int:
    """Runs ``python -m actors eval``.

    Args:
        args: The parsed arguments.

    Returns:
        The exit code.
    """
    if args.code == "-":
        code, value = _evaluate(sys.stdin.read(), args, filename="<stdin>")
    else:
        code, value = _evaluate(args.code, args)
    if code == EXIT_OK:
        print(format_value(value), flush=True)
    return code


def _cmd_run(args: argparse.Namespace) -> int:
    """Runs ``python -m actors run``.

    Args:
        args: The parsed arguments.

    Returns:
        The exit code.
    """
    path: Path = args.file
    try:
        if str(path) == "-":
            source, filename = sys.stdin.read(), "<stdin>"
        else:
            source, filename = path.read_text(encoding="utf-8"), str(path)
    except (OSError, UnicodeDecodeError) as error:
        print(f"cannot read {path}: {error}", file=sys.stderr)
        return EXIT_ERROR
    code, value = _evaluate(source, args, filename=filename)
    if code == EXIT_OK and value is not None:
        print(format_value(value), flush=True)
    return code


def _cmd_demo(args: argparse.Namespace) -> int:
    """Runs ``python -m actors demo``.

    Args:
        args: The parsed arguments.

    Returns:
        0 when every check passed, 1 otherwise.
    """
    return run_demo(contexts=args.contexts, threads=args.threads)


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """Parses the command line and runs the command.

    Args:
        argv: The arguments without the program name; ``sys.argv[1:]`` if None.
        prog: The program name for usage lines; by default the name the
            program was invoked as (``actors``), and ``python -m actors`` when
            run as a module.

    Returns:
        The process exit code.
    """
    if prog is None:
        prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "actors"
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    if args.command == "demo" and args.contexts < 2:
        parser.error("demo needs --contexts 2 or more")
    _configure_console_logging()
    handlers = {"eval": _cmd_eval, "run": _cmd_run, "demo": _cmd_demo}
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
