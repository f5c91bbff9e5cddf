"""The ``url`` group (URL, URLSearchParams) through a real context.

The Web Platform Tests data (``urltestdata.json``, ``setters_tests.json``) runs
in one JS call per file; each case is then its own parametrized assertion.
Cases that fail today are listed in KNOWN_FAILURES, and
``test_known_failures_are_exact`` fails when that list is out of date (a case
fixed or a regression).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import actors
from actors.apis.url import domain_to_ascii

WPT_DIR = Path(os.environ.get("ACTORS_WPT_URL_DIR", "/work/shared/data/wpt-url"))
ATTRS = ("href", "protocol", "username", "password", "host", "hostname", "port", "pathname", "search", "hash")

# test id -> why it fails
KNOWN_FAILURES: dict[str, str] = {}


def _load(name: str) -> Any:
    path = WPT_DIR / name
    if not path.is_file():
        pytest.skip(f"WPT URL data not found at {path} (set ACTORS_WPT_URL_DIR)", allow_module_level=True)
    return json.loads(path.read_text(encoding="utf-8"))


PARSER_CASES = [
    (f"parse-{i}", case) for i, case in enumerate(_load("urltestdata.json")) if isinstance(case, dict)
]
SETTER_CASES = [
    (f"set-{attr}-{i}", attr, case)
    for attr, cases in _load("setters_tests.json").items()
    if attr != "comment"
    for i, case in enumerate(cases)
]

PARSER_JS = """
(() => {
  const ATTRS = %(attrs)s;
  return %(cases)s.map((t) => {
    const base = t.base === null ? undefined : t.base;
    const out = { canParse: URL.canParse(t.input, base), parse: URL.parse(t.input, base) !== null };
    try {
      const u = new URL(t.input, base);
      for (const a of ATTRS) out[a] = u[a];
      out.origin = u.origin;
      out.searchParams = u.searchParams.toString();
    } catch (e) {
      out.error = e instanceof TypeError ? 'TypeError' : String(e);
    }
    return out;
  });
})()
"""

SETTERS_JS = """
(() => {
  const ATTRS = %(attrs)s;
  return %(cases)s.map(([attr, t]) => {
    const out = {};
    try {
      const u = new URL(t.href);
      u[attr] = t.new_value;
      for (const a of ATTRS) out[a] = u[a];
    } catch (e) {
      out.error = String(e);
    }
    return out;
  });
})()
"""


@pytest.fixture(scope="module")
def pool(pool_mode: str) -> Iterator[actors.ContextPool]:
    p = actors.ContextPool(size=1)
    try:
        yield p
    finally:
        p.stop()


@pytest.fixture(scope="module")
def url_ctx(pool: actors.ContextPool) -> Iterator[actors.Context]:
    c = pool.spawn(apis=["url"])
    try:
        yield c
    finally:
        c.stop()


@pytest.fixture(scope="module")
def parser_results(url_ctx: actors.Context) -> dict[str, Any]:
    code = PARSER_JS % {"attrs": json.dumps(ATTRS), "cases": json.dumps([c for _, c in PARSER_CASES])}
    results = url_ctx.eval(code, timeout=60)
    return {tid: r for (tid, _), r in zip(PARSER_CASES, results, strict=True)}


@pytest.fixture(scope="module")
def setter_results(url_ctx: actors.Context) -> dict[str, Any]:
    code = SETTERS_JS % {
        "attrs": json.dumps(ATTRS),
        "cases": json.dumps([[a, c] for _, a, c in SETTER_CASES]),
    }
    results = url_ctx.eval(code, timeout=60)
    return {tid: r for (tid, _, _), r in zip(SETTER_CASES, results, strict=True)}


def _parser_problems(case: dict[str, Any], got: dict[str, Any]) -> list[str]:
    problems = []
    if case.get("failure"):
        if "error" not in got:
            problems.append(f"parsed as {got.get('href')!r}, expected failure")
        if got["canParse"] or got["parse"]:
            problems.append("canParse/parse say it parses")
        return problems
    if "error" in got:
        return [f"failed to parse: {got['error']}"]
    if not got["canParse"] or not got["parse"]:
        problems.append("canParse/parse say it fails")
    for key in (*ATTRS, "origin", "searchParams"):
        if key in case and got[key] != case[key]:
            problems.append(f"{key}: got {got[key]!r}, expected {case[key]!r}")
    return problems


def _setter_problems(case: dict[str, Any], got: dict[str, Any]) -> list[str]:
    if "error" in got:
        return [f"threw: {got['error']}"]
    return [f"{k}: got {got[k]!r}, expected {v!r}" for k, v in case["expected"].items() if got[k] != v]


def _param(tid: str, *values: Any) -> Any:
    marks = [pytest.mark.xfail(reason=KNOWN_FAILURES[tid], strict=True)] if tid in KNOWN_FAILURES else []
    return pytest.param(tid, *values, id=tid, marks=marks)


@pytest.mark.parametrize(("tid", "case"), [_param(tid, case) for tid, case in PARSER_CASES])
def test_wpt_parser(tid: str, case: dict[str, Any], parser_results: dict[str, Any]) -> None:
    problems = _parser_problems(case, parser_results[tid])
    assert not problems, f"new URL({case['input']!r}, {case['base']!r}): " + "; ".join(problems)


@pytest.mark.parametrize(
    ("tid", "attr", "case"), [_param(tid, attr, case) for tid, attr, case in SETTER_CASES]
)
def test_wpt_setters(tid: str, attr: str, case: dict[str, Any], setter_results: dict[str, Any]) -> None:
    problems = _setter_problems(case, setter_results[tid])
    assert not problems, f"new URL({case['href']!r}).{attr} = {case['new_value']!r}: " + "; ".join(problems)


def test_known_failures_are_exact(parser_results: dict[str, Any], setter_results: dict[str, Any]) -> None:
    failing = {tid for tid, case in PARSER_CASES if _parser_problems(case, parser_results[tid])}
    failing |= {tid for tid, _, case in SETTER_CASES if _setter_problems(case, setter_results[tid])}
    assert failing == set(KNOWN_FAILURES), {
        "fixed (remove from KNOWN_FAILURES)": sorted(set(KNOWN_FAILURES) - failing),
        "new failures": sorted(failing - set(KNOWN_FAILURES)),
    }


def test_pass_rates(parser_results: dict[str, Any], setter_results: dict[str, Any]) -> None:
    total = len(PARSER_CASES) + len(SETTER_CASES)
    assert len(KNOWN_FAILURES) / total <= 0.01


def test_percent_encoding_utf8(url_ctx: actors.Context) -> None:
    # percent-encoding.json: only the UTF-8 column applies (URL always encodes queries as UTF-8)
    cases = [c for c in _load("percent-encoding.json") if isinstance(c, dict)]
    inputs = json.dumps([c["input"] for c in cases])
    got = url_ctx.eval(f"{inputs}.map((s) => new URL('https://doesnotmatter.invalid/?' + s).search)")
    assert got == ["?" + c["output"]["utf-8"] for c in cases]


def test_lazy_accessors_before_first_use(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=["url"])
    try:
        before = c.eval(
            "['URL', 'URLSearchParams'].map((n) => typeof Object.getOwnPropertyDescriptor(globalThis, n).get)"
        )
        assert before == ["function", "function"]
        assert c.eval("new URL('http://EXAMPLE.com:80/a/../b?x#y').href") == "http://example.com/b?x#y"
        assert c.eval("typeof URLSearchParams") == "function"
        assert c.eval("typeof globalThis.FAIL + typeof globalThis.basicParse") == "undefinedundefined"
    finally:
        c.stop()


def test_no_url_without_the_group(pool: actors.ContextPool) -> None:
    c = pool.spawn(apis=None)
    try:
        assert c.eval("typeof URL + ' ' + typeof URLSearchParams") == "undefined undefined"
    finally:
        c.stop()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("new URLSearchParams('?a=1&b=2&a=3').getAll('a')", ["1", "3"]),
        ("new URLSearchParams('a=1&b').get('b')", ""),
        ("new URLSearchParams('a=1').get('z')", None),
        ("new URLSearchParams('q=a+b%20c%zz&%E2%82%AC=%FF').toString()", "q=a+b+c%25zz&%E2%82%AC=%EF%BF%BD"),
        ("new URLSearchParams([['x', '1'], ['y', ' &=']]).toString()", "x=1&y=+%26%3D"),
        ("new URLSearchParams({b: '2', a: '1'}).toString()", "b=2&a=1"),
        ("new URLSearchParams(new URLSearchParams('k=v')).get('k')", "v"),
        ("new URLSearchParams(new Map([['m', 'n']])).toString()", "m=n"),
        ("const p = new URLSearchParams('a=1&b=2&a=3'); p.set('a', 'z'); p.toString()", "a=z&b=2"),
        ("const p = new URLSearchParams('a=1&b=2&a=3'); p.delete('a'); p.toString()", "b=2"),
        ("const p = new URLSearchParams('a=1&b=2&a=3'); p.delete('a', '3'); p.toString()", "a=1&b=2"),
        (
            "const p = new URLSearchParams('a=1&b=2'); [p.has('a'), p.has('a', '2'), p.has('c'), p.size]",
            [True, False, False, 2],
        ),
        (
            "const p = new URLSearchParams('z=1&a=2&z=0&\\u{1F600}=x&\\uFB03=y'); p.sort(); [...p.keys()]",
            ["a", "z", "z", "\U0001f600", "\ufb03"],
        ),
        ("[...new URLSearchParams('a=1&b=2')]", [["a", "1"], ["b", "2"]]),
        ("[...new URLSearchParams('a=1&b=2').values()]", ["1", "2"]),
        (
            "const r = []; new URLSearchParams('a=1&b=2').forEach((v, k, p) => r.push(k + v, p.size)); r",
            ["a1", 2, "b2", 2],
        ),
        (
            "Object.prototype.toString.call(new URLSearchParams().entries())",
            "[object URLSearchParams Iterator]",
        ),
        ("String(new URLSearchParams('a=1'))", "a=1"),
        ("try { new URLSearchParams([['a']]); 'no' } catch (e) { e.constructor.name }", "TypeError"),
        ("try { new URLSearchParams().append('a'); 'no' } catch (e) { e.constructor.name }", "TypeError"),
        # linked to its URL, both ways
        (
            "const u = new URL('http://h/?a=1'); u.searchParams.append('b', '2 3'); u.href",
            "http://h/?a=1&b=2+3",
        ),
        ("const u = new URL('http://h/?a=1#f'); u.searchParams.delete('a'); u.href", "http://h/#f"),
        ("const u = new URL('http://h/?a=1'); u.search = '?x=9'; u.searchParams.get('x')", "9"),
        ("const u = new URL('http://h/?a=1'); u.href = 'http://g/?y=8'; [...u.searchParams.keys()]", ["y"]),
        ("const u = new URL('http://h/?a=1'); u.searchParams === u.searchParams", True),
        ("const u = new URL('http://h/??a=b'); u.searchParams.get('?a')", "b"),
        ("const u = new URL('sc:opaque ?a=1'); u.searchParams.delete('a'); u.href", "sc:opaque%20"),
        # iteration is live
        (
            "const p = new URLSearchParams('a=1'); const r = [];"
            "for (const [k] of p) { r.push(k); if (r.length < 3) p.append('n' + r.length, ''); } r",
            ["a", "n1", "n2"],
        ),
    ],
)
def test_url_search_params(url_ctx: actors.Context, code: str, expected: Any) -> None:
    # a block: its lexical declarations stay local, its completion value is the result
    assert url_ctx.eval("{" + code + "}") == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("URL.canParse('/x', 'http://h')", True),
        ("URL.canParse('/x')", False),
        ("URL.parse('nope')", None),
        ("URL.parse('/x', 'http://h/a').href", "http://h/x"),
        ("JSON.stringify({u: new URL('http://h/p')})", '{"u":"http://h/p"}'),
        ("String(new URL('http://h/p'))", "http://h/p"),
        ("new URL('blob:https://a.example:8443/uuid').origin", "https://a.example:8443"),
        ("new URL('http://[0:0::1]:8080/').host", "[::1]:8080"),
        ("new URL('http://0x7f.1/').hostname", "127.0.0.1"),
        ("new URL('http://faß.ExAmple/').hostname", "xn--fa-hia.example"),
        ("new URL('file:///C|/x/../y').pathname", "/C:/y"),
        ("try { new URL('http://a b/'); 'no' } catch (e) { e.constructor.name }", "TypeError"),
        ("Object.keys(URL.prototype).includes('href')", True),
        ("Object.prototype.toString.call(new URL('http://h'))", "[object URL]"),
    ],
)
def test_url_api(url_ctx: actors.Context, code: str, expected: Any) -> None:
    assert url_ctx.eval(code) == expected


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("bücher.de", "xn--bcher-kva.de"),
        ("FAß.de", "xn--fa-hia.de"),  # nontransitional: ß stays
        ("xn--bcher-kva.de", "xn--bcher-kva.de"),
        ("a\u200db.com", None),  # ZWJ outside a joining context
        ("\u0301a.com", None),  # a label starting with a combining mark
        ("xn--a.ü", None),  # invalid Punycode beside a non-ASCII label
        ("\ufdd0.com", None),  # disallowed
    ],
)
def test_domain_to_ascii(domain: str, expected: str | None) -> None:
    assert domain_to_ascii(domain) == expected


# ---- the fast path agrees with the basic parser ---------------------------------

# Pieces that sit on either side of every check the fast path makes: case,
# percent signs, dot segments, IPv4-looking labels, ports past 65535, code
# points of each percent-encode set, backslashes, spaces and non-ASCII.
_SCHEMES = ["http", "https", "ws", "wss", "ftp", "HTTP", "Https", "file", "sc", "blob", "javascript"]
_SEPARATORS = ["://", "://", "://", ":/", ":", ":///", ":\\\\", "://\\"]
_CHARS = "abcxyzABCXYZ0189!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \u00e9\u00df\u4e2d\U0001f600"
_HOSTS = [
    "example.com",
    "EXAMPLE.com",
    "a.b",
    "a..b",
    ".",
    "a.",
    "1.2.3.4",
    "0x7f.1",
    "a.1",
    "a.0x",
    "08",
    "ab.9",
    "a.b.",
    "xn--nxasmq6b",
    "xn--",
    "_a-b_",
    "[::1]",
    "[1:2::3]",
    "a%41",
    "h\u00e9",
    "",
]
_SEGMENTS = [".", "..", "%2e", "%2E", ".%2e", "%2e.", "%2E%2e", "...", ".a", "a.", "%", "%zz", "a"]


def _piece(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(_CHARS) for _ in range(rng.randrange(n + 1)))


def _random_url(rng: random.Random) -> str:
    out = rng.choice(_SCHEMES) + rng.choice(_SEPARATORS)
    if rng.random() < 0.3:
        out += _piece(rng, 4) + (":" + _piece(rng, 4) if rng.random() < 0.5 else "") + "@"
    out += rng.choice(_HOSTS) if rng.random() < 0.7 else _piece(rng, 6)
    if rng.random() < 0.3:
        out += ":" + "".join(rng.choice("0123456789") for _ in range(rng.randrange(8)))
    return out + _random_tail(rng)


def _random_tail(rng: random.Random) -> str:
    out = ""
    for _ in range(rng.randrange(4)):
        out += "/" + (rng.choice(_SEGMENTS) if rng.random() < 0.3 else _piece(rng, 5))
    if rng.random() < 0.4:
        out += "?" + _piece(rng, 6)
    if rng.random() < 0.4:
        out += "#" + _piece(rng, 6)
    return out


def _differential_inputs() -> list[tuple[str, str | None]]:
    rng = random.Random(20240514)  # fixed: the same inputs every run
    cases: list[tuple[str, str | None]] = [(_random_url(rng), None) for _ in range(3000)]
    bases = ["https://u:pw@h.example:8443/a/b?q#f", "http://h/", "ws://h", "file:///c/d", "sc://h/x", "sc:op"]
    cases += [("/" + _random_tail(rng).lstrip("/"), rng.choice(bases)) for _ in range(1500)]
    cases += [(c["input"], c["base"]) for _, c in PARSER_CASES]
    return cases


DIFFERENTIAL_JS = """
(() => {
  const ATTRS = %(attrs)s;
  const parse = (input, base) => {
    const u = URL.parse(input, base);
    return u === null ? null : ATTRS.map((a) => u[a]).concat([u.origin, u.searchParams.toString()]);
  };
  // A trailing tab is removed by the basic parser before anything else, and
  // no fast path accepts a tab: the second parse always takes the long way.
  return %(cases)s.filter(([input, base]) => {
    const b = base === null ? undefined : base;
    return JSON.stringify(parse(input, b)) !== JSON.stringify(parse(input + '\\t', b));
  });
})()
"""


def test_fast_paths_give_the_same_url_as_the_basic_parser(url_ctx: actors.Context) -> None:
    cases = _differential_inputs()
    code = DIFFERENTIAL_JS % {"attrs": json.dumps(ATTRS), "cases": json.dumps(cases)}
    assert url_ctx.eval(code, timeout=120) == []


def test_a_repeated_base_gives_the_same_urls_as_a_fresh_one(url_ctx: actors.Context) -> None:
    # the parsed base is kept for the next call with the same base string
    got = url_ctx.eval(
        "{ const b = 'http://h/a/b?q'; const r = [];"
        "for (const i of ['c', '../d', '?x', '#y', '/e', 'HTTP:f', '']) r.push(new URL(i, b).href);"
        "r.push(URL.canParse('x', 'nope'), URL.canParse('x', 'nope'), new URL('/k', b).href); r }"
    )
    assert got == [
        "http://h/a/c",
        "http://h/d",
        "http://h/a/b?x",
        "http://h/a/b?q#y",
        "http://h/e",
        "http://h/a/f",
        "http://h/a/b?q",
        False,
        False,
        "http://h/k",
    ]


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("new URL('http://a/' + 'b'.repeat(1e6)).pathname.length", 1_000_001),
        ("new URL('http://' + 'a'.repeat(1e6) + '/').host.length", 1_000_000),
        ("URL.canParse('http://' + 'a:'.repeat(5e5) + 'b')", False),
        ("new URL('http://' + 'a:a'.repeat(2e5) + '@b').host", "b"),
        ("URL.canParse('http://' + 'a'.repeat(1e6) + '!')", True),
        ("new URL('/' + 'a/'.repeat(5e5), 'http://h').pathname.length", 1_000_001),
        ("new URL('http://h/?' + 'a'.repeat(1e6) + '#' + 'b'.repeat(1e6)).hash.length", 1_000_001),
    ],
)
def test_long_hostile_urls_parse_in_linear_time(url_ctx: actors.Context, expr: str, expected: Any) -> None:
    # a regular expression that backtracks quadratically would not finish these
    # million-code-point inputs within the deadline; linear parsing takes ~1 s
    assert url_ctx.eval(expr, timeout=60) == expected
