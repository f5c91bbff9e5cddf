"""The html5lib tree-construction data through the whole ``dom`` pipeline.

Each case is parsed inside a real context: ``#document`` cases with
``new DOMParser().parseFromString(data, 'text/html')``, ``#document-fragment`` cases by setting
``innerHTML`` on a context element (``createElementNS`` for ``svg x`` / ``math x`` contexts). The
resulting tree is read back through the public DOM API only (``childNodes``, ``attributes``,
``namespaceURI``, ``template.content`` ...), dumped in the suite's format by a JS function and
compared with the expected tree. So this checks the host parser, the node building in
``polyfills/dom.js`` and the DOM accessors together.

``#script-on`` cases are skipped (the parser runs with scripting off). A failing case must be listed
either in ``tests/data/dom_known_failures.txt`` (the parser's own failures) or in
``tests/data/dom_pipeline_known_failures.txt`` (failures of this pipeline only); an unlisted
failure fails the run, and so does a case listed in the pipeline file that now passes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from html5lib_data import DATA_DIR, MISSING_DATA, TreeCase, all_cases, read_known_failures

import actors

PARSER_FAILURES = Path(__file__).parent.parent / "data" / "dom_known_failures.txt"
PIPELINE_FAILURES = Path(__file__).parent.parent / "data" / "dom_pipeline_known_failures.txt"
REQUIRED_PASS_RATE = 0.95
BATCH = 200

pytestmark = pytest.mark.skipif(not DATA_DIR.is_dir(), reason=MISSING_DATA)


def read_ids(path: Path) -> set[str]:
    """TreeCase ids listed in a known-failure file."""
    return set(read_known_failures(path))


# Parses each [data, context] pair and dumps the tree in the html5lib-tests format, through the
# public DOM API only.
DUMP_JS = r"""
const SVG = 'http://www.w3.org/2000/svg', MATH = 'http://www.w3.org/1998/Math/MathML';
function dumpChildren(root) {
  const out = [];
  const stack = [];
  const push = (list, depth) => { for (let i = list.length - 1; i >= 0; i--) stack.push([list[i], depth]); };
  push([...root.childNodes], 0);
  while (stack.length) {
    const [n, depth] = stack.pop();
    const indent = '| ' + '  '.repeat(depth);
    if (n === 'content') { out.push(indent + 'content'); continue; }
    switch (n.nodeType) {
      case Node.ELEMENT_NODE: {
        const ns = n.namespaceURI;
        const prefix = ns === SVG ? 'svg ' : ns === MATH ? 'math ' : '';
        out.push(`${indent}<${prefix}${n.localName}>`);
        const attrs = [];
        for (const a of n.attributes) {
          const name = a.namespaceURI !== null && a.prefix !== null ? a.prefix + ' ' + a.localName : a.name;
          attrs.push([name, a.value]);
        }
        attrs.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
        for (const [k, v] of attrs) out.push(`${indent}  ${k}="${v}"`);
        if (n instanceof HTMLTemplateElement) {
          stack.push(...[...n.childNodes].reverse().map((c) => [c, depth + 1]));
          push([...n.content.childNodes], depth + 2);
          stack.push(['content', depth + 1]);
        } else {
          push([...n.childNodes], depth + 1);
        }
        break;
      }
      case Node.TEXT_NODE: out.push(`${indent}"${n.data}"`); break;
      case Node.COMMENT_NODE: out.push(`${indent}<!-- ${n.data} -->`); break;
      case Node.DOCUMENT_TYPE_NODE: {
        const ids = n.publicId || n.systemId ? ` "${n.publicId}" "${n.systemId}"` : '';
        out.push(`${indent}<!DOCTYPE ${n.name}${ids}>`);
        break;
      }
      default: out.push(`${indent}?${n.nodeType}`);
    }
  }
  return out.join('\n');
}
function runCases(cases) {
  return cases.map(([data, context]) => {
    try {
      if (context === null) return dumpChildren(new DOMParser().parseFromString(data, 'text/html'));
      const [first, local] = context.split(' ');
      const el = local === undefined ? document.createElement(first)
        : document.createElementNS(first === 'svg' ? SVG : MATH, local);
      el.innerHTML = data;
      return dumpChildren(el instanceof HTMLTemplateElement ? el.content : el);
    } catch (e) {
      return 'error: ' + e;
    }
  });
}
"""


@pytest.fixture(scope="module")
def results() -> Iterator[dict[str, tuple[TreeCase, str]]]:
    cases = all_cases()
    with actors.ContextPool(size=1) as pool:
        ctx = pool.spawn(apis=["dom"], timeout=60.0)
        ctx.eval(DUMP_JS)
        got: dict[str, tuple[TreeCase, str]] = {}
        for start in range(0, len(cases), BATCH):
            batch = cases[start : start + BATCH]
            dumps = ctx.call("runCases", [[c.data, c.context] for c in batch])
            for case, dump in zip(batch, dumps, strict=True):
                got[case.id] = (case, dump)
        yield got


def failures(results: dict[str, tuple[TreeCase, str]]) -> set[str]:
    return {case_id for case_id, (case, dump) in results.items() if dump != case.expected}


def test_the_pipeline_passes_at_the_required_rate(results: dict[str, tuple[TreeCase, str]]) -> None:
    failed = failures(results)
    documents = [case_id for case_id, (case, _) in results.items() if case.context is None]
    passed_documents = len([case_id for case_id in documents if case_id not in failed])
    assert len(results) > 1000
    assert (len(results) - len(failed)) / len(results) >= REQUIRED_PASS_RATE, f"{len(failed)} failed"
    assert passed_documents / len(documents) >= REQUIRED_PASS_RATE


def test_every_failure_is_a_known_one(results: dict[str, tuple[TreeCase, str]]) -> None:
    known = read_ids(PARSER_FAILURES) | read_ids(PIPELINE_FAILURES)
    unexpected = sorted(failures(results) - known)
    detail = "\n\n".join(
        f"{case_id}\n{results[case_id][0].data!r}\nexpected:\n{results[case_id][0].expected}\ngot:\n"
        f"{results[case_id][1]}"
        for case_id in unexpected[:5]
    )
    assert unexpected == [], detail


def test_the_pipeline_failure_list_is_not_stale(results: dict[str, tuple[TreeCase, str]]) -> None:
    listed = read_ids(PIPELINE_FAILURES)
    assert sorted(listed - failures(results)) == []
