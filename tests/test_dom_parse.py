"""HTML5 parsing (``actors.dom.parse``): unit cases and the html5lib tree-construction data.

Every ``#data`` case of ``html5lib-tests/tree-construction/*.dat`` not marked ``#script-on`` is
its own test: ``parse_html``'s output is dumped in the suite's tree format and compared with the
case's ``#document``. Cases listed in ``tests/data/dom_known_failures.txt`` are strict xfails, so
an unlisted failure (a regression) and a listed case that now passes (the list is stale) both fail
the run. The data lives in ``$ACTORS_TEST_DATA/html5lib-tests`` (default ``/work/shared/data``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from html5lib_data import MISSING_DATA, TreeCase, all_cases, read_known_failures

from actors import codec
from actors.dom.parse import (
    COMMENT,
    CONTENT,
    DOCTYPE,
    ELEMENT,
    NS_HTML,
    NS_MATHML,
    NS_SVG,
    TEXT,
    parse_html,
    records,
)

pytestmark = pytest.mark.mode_independent

KNOWN_FAILURES_FILE = Path(__file__).parent / "data" / "dom_known_failures.txt"
REQUIRED_DOCUMENT_PASS_RATE = 0.95

_NS_PREFIX = {NS_HTML: "", NS_SVG: "svg ", NS_MATHML: "math "}
# Attributes the parser puts in a namespace on foreign elements; the dump writes them "xlink href".
_FOREIGN_ATTRIBUTES = frozenset(
    "xlink:actuate xlink:arcrole xlink:href xlink:role xlink:show xlink:title xlink:type "
    "xml:lang xml:space xmlns:xlink".split()
)


def dump(nodes: list[Any]) -> str:
    """Nodes in parse_html's flat form, as an html5lib-tests tree (``| <html>`` ...)."""
    out: list[str] = []
    for kind, depth, *fields in records(nodes):
        indent = "| " + "  " * depth
        if kind == TEXT:
            out.append(f'{indent}"{fields[0]}"')
        elif kind == COMMENT:
            out.append(f"{indent}<!-- {fields[0]} -->")
        elif kind == DOCTYPE:
            name, public_id, system_id = fields
            ids = f' "{public_id}" "{system_id}"' if public_id or system_id else ""
            out.append(f"{indent}<!DOCTYPE {name}{ids}>")
        elif kind == CONTENT:
            out.append(f"{indent}content")
        else:
            assert kind == ELEMENT
            name, ns, attrs = fields
            out.append(f"{indent}<{_NS_PREFIX[ns]}{name}>")
            pairs = []
            for qname, value in zip(attrs[::2], attrs[1::2], strict=True):
                if ns != NS_HTML and qname in _FOREIGN_ATTRIBUTES:
                    qname = qname.replace(":", " ")
                pairs.append((qname, value))
            out.extend(f'{indent}  {qname}="{value}"' for qname, value in sorted(pairs))
    return "\n".join(out)


CASES = all_cases()
KNOWN_FAILURES = read_known_failures(KNOWN_FAILURES_FILE)


def _params() -> list[Any]:
    if not CASES:
        return [pytest.param(None, id="no-data", marks=pytest.mark.skip(reason=MISSING_DATA))]
    return [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(reason=KNOWN_FAILURES[case.id], strict=True)]
            if case.id in KNOWN_FAILURES
            else [],
        )
        for case in CASES
    ]


def _passes(case: TreeCase) -> bool:
    return dump(parse_html(case.data, case.context)) == case.expected


@pytest.mark.parametrize("case", _params())
def test_tree_construction_case_matches_expected_tree(case: TreeCase) -> None:
    assert dump(parse_html(case.data, case.context)) == case.expected


def test_document_cases_pass_at_the_required_rate() -> None:
    documents = [case for case in CASES if case.context is None]
    if not documents:
        pytest.skip(MISSING_DATA)
    passed = sum(_passes(case) for case in documents)
    assert passed / len(documents) >= REQUIRED_DOCUMENT_PASS_RATE, f"{passed}/{len(documents)} passed"


def test_known_failures_name_existing_cases() -> None:
    if not CASES:
        pytest.skip(MISSING_DATA)
    ids = {case.id for case in CASES}
    assert sorted(set(KNOWN_FAILURES) - ids) == []


# ---- unit cases -------------------------------------------------------------------------------


def el(name: str, *children: Any, attrs: list[str] | None = None, ns: int = NS_HTML) -> list[Any]:
    return [ELEMENT, name, ns, attrs or [], list(children)]


def tree(nodes: list[Any]) -> list[Any]:
    """parse_html's flat nodes nested, for readable expectations: text as a ``str``, elements as
    ``el()`` builds them (a template as ``[ELEMENT, name, ns, attrs, [], contents]``), comments
    as ``[COMMENT, data]`` and doctypes as ``[DOCTYPE, name, public_id, system_id]``."""
    top: list[Any] = []
    levels = [top]  # levels[d]: the list that nodes of depth d go in
    for kind, depth, *fields in records(nodes):
        assert 0 <= depth < len(levels), "a node deeper than just below the one before it"
        del levels[depth + 1 :]
        siblings = levels[depth]
        if kind == TEXT:
            assert not (siblings and isinstance(siblings[-1], str)), "adjacent text is not merged"
            siblings.append(fields[0])
        elif kind == ELEMENT:
            node = [ELEMENT, *fields, []]
            siblings.append(node)
            levels.append(node[4])
        elif kind == CONTENT:
            assert depth > 0
            template = levels[depth - 1][-1]
            assert template[:2] == [ELEMENT, "template"] and template[4:] == [[]], "not after a template"
            content: list[Any] = []
            template.append(content)
            levels.append(content)  # the contents are at depth + 1
        else:
            siblings.append([kind, *fields])
    return top


def parse_tree(html: str, context: str | None = None) -> list[Any]:
    return tree(parse_html(html, context))


def body_of(html: str) -> list[Any]:
    document = parse_tree(html)
    root = next(node for node in document if isinstance(node, list) and node[0] == ELEMENT)
    body: list[Any] = root[4][1]
    assert body[1] == "body"
    return list(body[4])


def test_a_document_gets_implicit_html_head_and_body() -> None:
    assert parse_tree("hi") == [el("html", el("head"), el("body", "hi"))]


def test_doctype_comments_and_ids_are_kept_in_order() -> None:
    nodes = parse_tree('<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "x.dtd"><!--a--><p>')
    assert nodes[0] == [DOCTYPE, "html", "-//W3C//DTD HTML 4.01//EN", "x.dtd"]
    assert nodes[1] == [COMMENT, "a"]
    assert parse_tree("<!doctype html>")[0] == [DOCTYPE, "html", "", ""]


def test_head_elements_go_to_head_and_the_rest_to_body() -> None:
    nodes = parse_tree("<title>T</title><meta charset=utf-8><p>x")
    assert nodes == [
        el(
            "html",
            el("head", el("title", "T"), el("meta", attrs=["charset", "utf-8"])),
            el("body", el("p", "x")),
        )
    ]


def test_entities_are_decoded_in_text_and_attributes() -> None:
    assert body_of('<a title="&lt;&amp;&quot;">&copy; &#x41;&#66; &notin; &amp &bogus;</a>') == [
        el("a", "© AB ∉ & &bogus;", attrs=["title", '<&"'])
    ]


def test_void_elements_have_no_children() -> None:
    assert body_of("<br>a<img src=x>b<input></input>c") == [
        el("br"),
        "a",
        el("img", attrs=["src", "x"]),
        "b",
        el("input"),
        "c",
    ]


def test_misnested_formatting_tags_are_repaired() -> None:
    assert body_of("<b><i></b></i>x") == [el("b", el("i")), "x"]
    assert body_of("<b>1<p>2</b>3</p>") == [el("b", "1"), el("p", el("b", "2"), "3")]


def test_adjacent_text_is_merged_into_one_string() -> None:
    assert body_of("a&amp;b<!---->c") == ["a&b", [COMMENT, ""], "c"]
    assert body_of("<table>x<tr>y</table>") == ["xy", el("table", el("tbody", el("tr")))]


def test_attributes_keep_source_order_and_the_first_duplicate() -> None:
    assert body_of('<div b=1 a=2 B=3 c="">') == [el("div", attrs=["b", "1", "a", "2", "c", ""])]


def test_svg_names_and_foreign_attributes_are_adjusted() -> None:
    (svg,) = body_of('<svg viewbox="0 0 1 1" xlink:href=u xml:lang=en xmlns:xlink=n><foreignobject><p>x')
    assert svg[:4] == [
        ELEMENT,
        "svg",
        NS_SVG,
        ["viewBox", "0 0 1 1", "xlink:href", "u", "xml:lang", "en", "xmlns:xlink", "n"],
    ]
    foreign = svg[4][0]
    assert foreign[1:3] == ["foreignObject", NS_SVG]
    assert foreign[4] == [el("p", "x")]


def test_mathml_elements_are_in_the_mathml_namespace() -> None:
    assert body_of("<math><mi>x</mi></math>") == [el("math", el("mi", "x", ns=NS_MATHML), ns=NS_MATHML)]


def test_template_contents_are_apart_from_children() -> None:
    nodes = parse_tree("<template><tr><td>1</td></tr></template>")
    head = nodes[0][4][0]
    assert head[4] == [[ELEMENT, "template", NS_HTML, [], [], [el("tr", el("td", "1"))]]]


@pytest.mark.parametrize(
    ("context", "html", "expected"),
    [
        ("table", "<tr><td>x", [el("tbody", el("tr", el("td", "x")))]),
        ("tbody", "<tr><td>x", [el("tr", el("td", "x"))]),
        ("tr", "<td>a<td>b", [el("td", "a"), el("td", "b")]),
        ("select", "<option>a<option>b", [el("option", "a"), el("option", "b")]),
        ("div", "<td>cell</td>", ["cell"]),
        ("template", "<td>x", [el("td", "x")]),
        ("textarea", "<b>x</b>", ["<b>x</b>"]),
        ("html", "x", [el("head"), el("body", "x")]),
        ("body", "<!--c--> <p>", [[COMMENT, "c"], " ", el("p")]),
    ],
    ids=lambda value: value if isinstance(value, str) and value.isalpha() else None,
)
def test_fragments_are_parsed_in_their_context(context: str, html: str, expected: list[Any]) -> None:
    assert parse_tree(html, context) == expected


def test_a_template_inside_a_fragment_has_contents() -> None:
    assert parse_tree("<template><li>x</template>", "ul") == [
        [ELEMENT, "template", NS_HTML, [], [], [el("li", "x")]]
    ]


def test_a_foreign_context_is_named_with_its_namespace() -> None:
    assert parse_tree("<path/><p>x", "svg svg") == [el("path", ns=NS_SVG), el("p", "x")]
    assert parse_tree("<mi>", "math math") == [el("mi", ns=NS_MATHML)]


def test_lone_surrogates_become_replacement_characters() -> None:
    assert body_of("a\ud800b") == ["a\ufffdb"]


def test_carriage_returns_and_nulls_are_normalized() -> None:
    assert body_of("a\r\nb\rc\x00d") == ["a\nb\ncd"]


def test_the_output_is_flat_records_in_tree_order() -> None:
    assert parse_html("<p class=x>a<template><b>t</b></template><!--c-->", "body") == [
        *(ELEMENT, 0, "p", NS_HTML, ["class", "x"]),
        *(TEXT, 1, "a"),
        *(ELEMENT, 1, "template", NS_HTML, []),
        *(CONTENT, 2),
        *(ELEMENT, 3, "b", NS_HTML, []),
        *(TEXT, 4, "t"),
        *(COMMENT, 1, "c"),
    ]
    assert list(records(parse_html("<!doctype html>"))) == [
        [DOCTYPE, 0, "html", "", ""],
        [ELEMENT, 0, "html", NS_HTML, []],
        [ELEMENT, 1, "head", NS_HTML, []],
        [ELEMENT, 1, "body", NS_HTML, []],
    ]


def test_a_very_deep_document_parses_without_recursion() -> None:
    depth = 10_000
    nodes = parse_html("<div>" * depth + "x", "body")
    divs = [item for d in range(depth) for item in (ELEMENT, d, "div", NS_HTML, [])]
    assert nodes == [*divs, TEXT, depth, "x"]


def test_5000_deep_nesting_stays_within_the_value_depth_limit() -> None:
    # The result crosses into JS, whose value conversion stops at 1,000 levels (codec.MAX_DEPTH).
    nodes = parse_html("<div>" * 5000 + "<template><i>x</i></template>")
    decoded = codec.decode(codec.encode(nodes))
    assert decoded == nodes
    body = list(records(nodes))[3:]
    assert [r[1] for r in body] == [*range(2, 5003), 5003, 5004, 5005]
    assert body[-4:] == [
        [ELEMENT, 5002, "template", NS_HTML, []],
        [CONTENT, 5003],
        [ELEMENT, 5004, "i", NS_HTML, []],
        [TEXT, 5005, "x"],
    ]


def test_the_output_holds_only_lists_strings_and_ints() -> None:
    stack: list[Any] = [parse_html('<!doctype html><svg viewBox="1"><template><p a=b>t</template><!--c-->')]
    while stack:
        value = stack.pop()
        assert type(value) in (list, str, int)
        if type(value) is list:
            stack.extend(value)
