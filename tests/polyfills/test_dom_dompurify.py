"""DOMPurify's own expectation fixtures, sanitized by the published package in the ``dom`` group.

The fixtures are DOMPurify's ``test/fixtures/expect.mjs`` (223 cases; ``$ACTORS_TEST_DATA/dompurify``,
default ``/work/shared/data``) and the sanitizer is the ``dompurify`` package from the npm registry
(see ``tests/npm_packages.py``); neither is part of this repository, and the tests skip, saying how
to get them, when either is missing. Each payload is compared with ``expected`` as DOMPurify's own
runner does (any listed alternative counts). A case that keeps an event handler, a script-capable
URL or a dangerous element that ``expected`` removes is a sanitizer bypass and fails the run, listed
or not; other differences must be listed with their reason in
``tests/data/dompurify_known_failures.txt``, and a listed case that passes fails too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from npm_packages import default_export_as_expression, package_file

import actors

FIXTURES = Path(os.environ.get("ACTORS_TEST_DATA", "/work/shared/data")) / "dompurify" / "expect.mjs"
KNOWN = Path(__file__).parent.parent / "data" / "dompurify_known_failures.txt"

pytestmark = pytest.mark.skipif(
    not FIXTURES.is_file(), reason=f"DOMPurify fixtures not found at {FIXTURES} (set ACTORS_TEST_DATA)"
)

# What a sanitized output may run: event handler attributes, script-capable URLs in any
# attribute, elements that load or run code. Read through the DOM, so entity tricks count.
DANGER_JS = r"""
const DANGEROUS = new Set(['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base',
  'meta', 'link', 'form', 'portal', 'noscript', 'style', 'handler', 'listener', 'animate', 'set', 'use']);
function dangers(html) {
  const t = document.createElement('template');
  t.innerHTML = html;
  const out = [];
  const visit = (root) => {
    const w = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT);
    for (let el = w.nextNode(); el !== null; el = w.nextNode()) {
      if (DANGEROUS.has(el.localName)) out.push('<' + el.localName);
      for (const a of el.attributes) {
        if (/^on/i.test(a.localName)) out.push('@' + a.name.toLowerCase());
        const bare = a.value.replace(/[\u0000-\u0020]/g, '').toLowerCase();
        const scheme = /^(?:javascript|vbscript|data:text\/html)/.test(bare);
        if (scheme) out.push(a.name.toLowerCase() + '=' + bare.slice(0, 10));
      }
      if (el.localName === 'template') visit(el.content);
    }
  };
  visit(t.content);
  return out.sort();
}
"""


def known_failures() -> dict[int, str]:
    out: dict[int, str] = {}
    for line in KNOWN.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        case, _, why = line.partition("#")
        out[int(case.split()[1])] = why.strip()
    return out


@pytest.fixture(scope="module")
def outcome(pool_mode: str) -> Iterator[dict[str, Any]]:
    """Every case's output, whether it matches, and its dangers beside the expected ones'."""
    purify = package_file("dompurify", "dist/purify.js")
    cases = default_export_as_expression(FIXTURES.read_text(encoding="utf-8"))
    with actors.ContextPool(size=1) as pool:
        # the published UMD file as it is: its completion value is dropped
        ctx = pool.spawn(apis=["dom"], timeout=120.0, script=purify)
        ctx.eval(DANGER_JS)
        ctx.eval(f"globalThis.CASES = {cases}; void 0")
        got: dict[str, Any] = ctx.eval("""
            const purify = typeof window !== 'undefined' && DOMPurify.isSupported
              ? DOMPurify : DOMPurify(globalThis);
            const results = CASES.map((c) => {
              let out;
              try { out = purify.sanitize(c.payload); } catch (e) { out = 'error: ' + e; }
              const expected = Array.isArray(c.expected) ? c.expected : [c.expected];
              return { title: c.title || '', out, expected, pass: expected.includes(out),
                       dangers: dangers(out), allowed: expected.map(dangers) };
            });
            ({ supported: purify.isSupported, version: purify.version, results })
        """)
        yield got


def test_dompurify_finds_everything_it_needs_in_the_dom(outcome: dict[str, Any]) -> None:
    assert outcome["supported"] is True
    assert outcome["version"] == "3.4.14"
    assert len(outcome["results"]) == 223


def test_no_fixture_keeps_anything_its_expected_output_removes(outcome: dict[str, Any]) -> None:
    bypasses = []
    for i, r in enumerate(outcome["results"]):
        if r["pass"]:
            continue
        # a bypass unless some acceptable output has every danger this one has
        if not any(all(d in allowed for d in r["dangers"]) for allowed in r["allowed"]):
            bypasses.append((i, r["title"], r["dangers"], r["out"][:200]))
    assert bypasses == []


def test_every_failing_fixture_is_a_known_one(outcome: dict[str, Any]) -> None:
    known = known_failures()
    failed = {i: r for i, r in enumerate(outcome["results"]) if not r["pass"]}
    unexpected = [(i, r["title"], r["out"][:300], r["expected"][0][:300]) for i, r in failed.items()]
    unexpected = [u for u in unexpected if u[0] not in known]
    assert unexpected == []
    assert sorted(set(known) - set(failed)) == [], "listed as failing but passes: take it off the list"
    passed = len(outcome["results"]) - len(failed)
    assert passed >= 219, f"{passed}/223"
