"""CSS selectors and serialization over document snapshots (``actors.dom.select``, ``.serialize``).

Snapshots are built the way the native side hands them over (``[tag, attrs, children]``, text,
``["#comment", data]``, ``["#doctype", name]``), mostly from markup through ``parse_html``.
"""

from __future__ import annotations

import sys
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actors.dom.parse import COMMENT, DOCTYPE, ELEMENT, TEXT, parse_html, records
from actors.dom.select import (
    Selector,
    SelectorError,
    compile_selector,
    select,
    select_one,
    text_content,
    to_tuple,
)
from actors.dom.serialize import serialize

pytestmark = pytest.mark.mode_independent


def snapshot_from_parse(nodes: list[Any]) -> list[Any]:
    """parse_html's flat records in the snapshot shape (a template's children = its contents)."""
    out: list[Any] = []
    levels = [out]  # levels[d]: the list that nodes of depth d go in
    for kind, depth, *fields in records(nodes):
        del levels[depth + 1 :]
        if kind == TEXT:
            levels[depth].append(fields[0])
        elif kind == COMMENT:
            levels[depth].append(["#comment", fields[0]])
        elif kind == DOCTYPE:
            levels[depth].append(["#doctype", fields[0]])
        elif kind == ELEMENT:
            name, _, attrs = fields
            children: list[Any] = []
            levels[depth].append([name, dict(zip(attrs[::2], attrs[1::2], strict=True)), children])
            levels.append(children)
        else:  # CONTENT: a template's contents (at depth + 1) are its children here
            levels.append(levels[depth])
    return out


def snapshot(html: str) -> list[Any]:
    return snapshot_from_parse(parse_html(html))


def names(snap: list[Any], selector: str | Selector) -> list[str]:
    """Each match as its id, or its tag when it has none."""
    return [node[1].get("id", node[0]) for node in select(snap, selector)]


DOC = snapshot(
    """<!DOCTYPE html>
<html><head><title>T</title></head>
<body>
  <div id="app" class="app main" lang="en-US">
    <h1 id="h1">Title</h1>
    <p id="p1" class="intro">One <b id="b1">bold</b></p>
    <p id="p2" data-x="a-b c">Two</p>
    <ul id="list">
      <li id="li1">1</li><li id="li2" class="odd">2</li><li id="li3">3</li><li id="li4">4</li>
      <li id="li5">5</li>
    </ul>
    <span id="s1"></span><em id="e1"><!-- only a comment --></em><i id="i1"> </i>
  </div>
  <form id="form">
    <input id="cb" type="CHECKBOX" checked>
    <input id="radio" type="radio">
    <select id="sel"><option id="o1" selected>a</option>
      <optgroup id="og" disabled><option id="o2">b</option></optgroup></select>
    <fieldset id="fs" disabled>
      <legend id="lg"><input id="in-legend"></legend>
      <input id="in-fs"><button id="btn"></button>
    </fieldset>
    <textarea id="ta" disabled></textarea>
    <a id="link" href="/x">x</a><a id="anchor">y</a>
  </form>
  <template id="tpl"><p id="in-template">hidden</p></template>
</body></html>"""
)


# ---- simple selectors -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("h1", ["h1"]),
        ("H1", ["h1"]),
        ("li", ["li1", "li2", "li3", "li4", "li5"]),
        ("#p2", ["p2"]),
        (".intro", ["p1"]),
        (".app.main", ["app"]),
        (".app.other", []),
        ("p.intro#p1", ["p1"]),
        ("div *:first-child", ["h1", "b1", "li1"]),
        ("#app > *", ["h1", "p1", "p2", "list", "s1", "e1", "i1"]),
    ],
)
def test_type_class_id_and_universal_selectors(selector: str, expected: list[str]) -> None:
    assert names(DOC, selector) == expected


def test_the_universal_selector_matches_every_element_in_document_order() -> None:
    matched = select(DOC, "*")
    assert [node[0] for node in matched[:4]] == ["html", "head", "title", "body"]
    assert len(matched) == len(select(DOC, "html, html *")) - len(select(DOC, "template *"))


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("[data-x]", ["p2"]),
        ("[DATA-X]", ["p2"]),
        ("[data-x='a-b c']", ["p2"]),
        ('[data-x="a-b c"]', ["p2"]),
        ("[data-x=a-b]", []),
        ("[data-x~=c]", ["p2"]),
        ("[data-x~='a-b']", ["p2"]),
        ("[data-x~='b c']", []),
        ("[data-x~='']", []),
        ("[lang|=en]", ["app"]),
        ("[lang|=en-US]", ["app"]),
        ("[lang|=e]", []),
        ("[data-x^=a-]", ["p2"]),
        ("[data-x$=' c']", ["p2"]),
        ("[data-x*='b c']", ["p2"]),
        ("[data-x^='']", []),
        ("[data-x$='']", []),
        ("[data-x*='']", []),
        ("[data-x='A-B C' i]", ["p2"]),
        ("[data-x='A-B C' I]", ["p2"]),
        ("[data-x='A-B C']", []),
        ("[type=checkbox]", ["cb"]),
        ("[type=checkbox s]", []),
        ("[type='CHECKBOX' s]", ["cb"]),
        ("[ id = p1 ]", ["p1"]),
        ("[href]", ["link"]),
    ],
)
def test_attribute_selectors(selector: str, expected: list[str]) -> None:
    assert names(DOC, selector) == expected


# ---- combinators and lists --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("div b", ["b1"]),
        ("body b", ["b1"]),
        ("div > b", []),
        ("p > b", ["b1"]),
        ("h1 + p", ["p1"]),
        ("h1 + p + p", ["p2"]),
        ("h1 ~ p", ["p1", "p2"]),
        ("li.odd ~ li", ["li3", "li4", "li5"]),
        ("li.odd + li", ["li3"]),
        ("body div > ul li + li ~ li", ["li3", "li4", "li5"]),
        ("html   >\n body>form>  input", ["cb", "radio"]),
        ("ul li ~ li > b", []),
        ("div p ~ ul > li:first-child", ["li1"]),
    ],
)
def test_combinators(selector: str, expected: list[str]) -> None:
    assert names(DOC, selector) == expected


def test_a_selector_list_gives_each_match_once_in_document_order() -> None:
    assert names(DOC, "#p2, h1, p, #h1") == ["h1", "p1", "p2"]


# ---- pseudo-classes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("li:not(.odd)", ["li1", "li3", "li4", "li5"]),
        ("li:not(#li1, #li5)", ["li2", "li3", "li4"]),
        ("#app > :not(p, ul, h1)", ["s1", "e1", "i1"]),
        ("li:not(:first-child):not(:last-child)", ["li2", "li3", "li4"]),
        ("#app :is(h1, b)", ["h1", "b1"]),
        (":is(#app, form) > :is(h1, input)", ["h1", "cb", "radio"]),
        (":where(p, h1).intro", ["p1"]),
        ("p:has(b)", ["p1"]),
        ("div:has(> h1)", ["app"]),
        ("div:has(> b)", []),
        ("h1:has(+ p)", ["h1"]),
        ("h1:has(~ ul)", ["h1"]),
        ("p:has(~ ul > li.odd)", ["p1", "p2"]),
        ("p:has(+ p)", ["p1"]),
        ("li:has(+ li.odd)", ["li1"]),
        (":has(> li.odd, > option)", ["list", "sel", "og"]),
        ("body > :has(p b)", ["app"]),
        ("ul:has(li:nth-child(5))", ["list"]),
        ("div:has(:not(li))", ["app"]),
        (":is(:is(:is(p))).intro", ["p1"]),
    ],
)
def test_logical_pseudo_classes(selector: str, expected: list[str]) -> None:
    assert names(DOC, selector) == expected


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("li:first-child", ["li1"]),
        ("li:last-child", ["li5"]),
        ("title:only-child", ["title"]),
        ("b:only-child", ["b1"]),
        ("li:only-child", []),
        ("#app > p:first-of-type", ["p1"]),
        ("#app > p:last-of-type", ["p2"]),
        ("#app > :only-of-type", ["h1", "list", "s1", "e1", "i1"]),
        ("li:nth-child(2)", ["li2"]),
        ("li:nth-child(odd)", ["li1", "li3", "li5"]),
        ("li:nth-child(EVEN)", ["li2", "li4"]),
        ("li:nth-child(2n+1)", ["li1", "li3", "li5"]),
        ("li:nth-child( 2n + 1 )", ["li1", "li3", "li5"]),
        ("li:nth-child(2n-1)", ["li1", "li3", "li5"]),
        ("li:nth-child(n+4)", ["li4", "li5"]),
        ("li:nth-child(-n+2)", ["li1", "li2"]),
        ("li:nth-child(+3n)", ["li3"]),
        ("li:nth-child(n)", ["li1", "li2", "li3", "li4", "li5"]),
        ("li:nth-child(0n+0)", []),
        ("li:nth-child(-2)", []),
        ("li:nth-last-child(1)", ["li5"]),
        ("li:nth-last-child(-n+2)", ["li4", "li5"]),
        ("li:nth-child(2 of :not(.odd))", ["li3"]),
        ("li:nth-last-child(odd of :not(#li5))", ["li2", "li4"]),
        ("#app > p:nth-of-type(2)", ["p2"]),
        ("#app > :nth-of-type(1)", ["h1", "p1", "list", "s1", "e1", "i1"]),
        ("#app > :nth-last-of-type(2)", ["p1"]),
    ],
)
def test_structural_pseudo_classes(selector: str, expected: list[str]) -> None:
    assert names(DOC, selector) == expected


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (":root", ["html"]),
        ("#app > :empty", ["s1", "e1"]),
        ("input:checked, option:checked", ["cb", "o1"]),
        (":checked", ["cb", "o1"]),
        (":disabled", ["og", "o2", "fs", "in-fs", "btn", "ta"]),
        (
            ":enabled",
            ["cb", "radio", "sel", "o1", "in-legend"],
        ),
        ("a:any-link, a:link", ["link"]),
        (":scope > body", ["body"]),
    ],
)
def test_state_pseudo_classes(selector: str, expected: list[str]) -> None:
    assert names(DOC, selector) == expected


def test_template_contents_are_not_searched() -> None:
    assert names(DOC, "#in-template") == []
    assert names(DOC, "template:empty") == ["tpl"]


@pytest.mark.parametrize(
    ("selector", "snap", "expected"),
    [
        ("#\\31 23", [["p", {"id": "123"}, []]], ["123"]),
        ("#\\31 23\\ x", [["p", {"id": "123 x"}, []]], ["123 x"]),
        (".a\\:b", [["p", {"id": "x", "class": "a:b"}, []]], ["x"]),
        ("\\64 iv", [["div", {}, []]], ["div"]),
        ("[data-q='a\\'b']", [["p", {"id": "y", "data-q": "a'b"}, []]], ["y"]),
        ('[data-q="a\\"b"]', [["p", {"id": "y", "data-q": 'a"b'}, []]], ["y"]),
        (".\\E9t\\E9", [["p", {"id": "z", "class": "été"}, []]], ["z"]),
        (".été", [["p", {"id": "z", "class": "été"}, []]], ["z"]),
        ("#-x_1", [["p", {"id": "-x_1"}, []]], ["-x_1"]),
        ("p/* comment */ > b", [["p", {}, [["b", {"id": "b"}, []]]]], ["b"]),
    ],
)
def test_css_escapes_and_comments(selector: str, snap: list[Any], expected: list[str]) -> None:
    assert names(snap, selector) == expected


def test_svg_tags_and_attributes_keep_their_case() -> None:
    snap = snapshot('<svg viewBox="0 0 1 1"><foreignObject id="fo"></foreignObject></svg>')
    assert names(snap, "foreignObject") == ["fo"]
    assert names(snap, "svg[viewBox]") == ["svg"]


# ---- the API ----------------------------------------------------------------------------------


def test_select_one_gives_the_first_match_or_none() -> None:
    node = select_one(DOC, "li")
    assert node is not None and node[1]["id"] == "li1"
    assert select_one(DOC, "video") is None


def test_select_returns_the_snapshot_nodes_themselves() -> None:
    snap: list[Any] = [["p", {}, ["x", ["b", {}, []]]]]
    assert select(snap, "b")[0] is snap[0][2][1]


def test_compiled_selectors_are_cached_and_reusable() -> None:
    selector = compile_selector("li.odd")
    assert isinstance(selector, Selector) and selector.text == "li.odd"
    assert compile_selector("li.odd") is selector
    assert names(DOC, selector) == ["li2"]


def test_to_tuple_keeps_text_and_elements_and_drops_comments() -> None:
    node = select_one(snapshot("<h1 class=t>Title<!--x--><b>!</b></h1>"), "h1")
    assert node is not None
    assert to_tuple(node) == ("h1", {"class": "t"}, ["Title", ("b", {}, ["!"])])
    assert to_tuple(["h1", {}, ["Title"]]) == ("h1", {}, ["Title"])


def test_text_content_concatenates_descendant_text() -> None:
    node = select_one(DOC, "#p1")
    assert node is not None and text_content(node) == "One bold"
    assert text_content(["div", {}, ["a", ["#comment", "x"], ["b", {}, ["b"]], "c"]]) == "abc"
    assert text_content(["template", {}, ["x"]]) == ""


def test_an_empty_snapshot_matches_nothing() -> None:
    assert select([], "*") == [] and select_one([], "p") is None


# ---- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "message", "position"),
    [
        ("", "empty selector", 0),
        ("   ", "empty selector", 3),
        ("div >", "expected a selector after '>'", 5),
        ("> div", "expected a selector", 0),
        ("a,", "expected a selector, unexpected end of selector", 2),
        ("a,,b", "expected a selector, unexpected ','", 2),
        ("div)", "unexpected ')'", 3),
        ("#", "expected an id after '#'", 1),
        ("#1a", "expected an id after '#', unexpected '1'", 1),
        (".", "expected a class name after '.'", 1),
        ("[", "expected an attribute name after '['", 1),
        ("[a", "expected ']' or an operator", 2),
        ("[a=]", "expected an attribute value", 3),
        ("[a!=b]", "unexpected '!' in attribute selector", 2),
        ("[a=b c]", "unknown attribute flag 'c'", 5),
        ("[a='b'", "expected ']'", 6),
        ("['a']", "expected an attribute name", 1),
        ("[a='x\ny']", "newline inside a quoted string", 3),
        ("svg|rect", "namespace prefixes are not supported", 3),
        ("[xlink|href]", "namespace prefixes are not supported", 6),
        ("p::before", "pseudo-elements are not supported", 1),
        (":hover", "unknown pseudo-class ':hover'", 0),
        ("a:nth-child", "':nth-child' needs an argument", 1),
        (":frob(a)", "unknown pseudo-class ':frob()'", 0),
        (":not(a", "expected ',' or ')'", 6),
        (":not()", "expected a selector", 5),
        (":has()", "expected a selector", 5),
        (":nth-child(x)", "expected an+b", 11),
        (":nth-child(2 n)", "after an+b", 13),
        (":nth-child(+ 2n)", "expected an+b", 11),
        (":nth-child(2n of)", "expected a space after 'of'", 16),
        (":nth-of-type(2n of p)", "expected ')'", 16),
        ("a b c d e" + " f" * 200, "more than 200 compound selectors", 400),
        (":not(" * 40 + "a" + ")" * 40, "nested deeper than 32 levels", 165),
    ],
)
def test_bad_selectors_say_what_and_where(selector: str, message: str, position: int) -> None:
    with pytest.raises(SelectorError) as caught:
        compile_selector(selector)
    assert message in str(caught.value)
    assert caught.value.position == position
    assert f"at position {position} in selector {selector!r}" in str(caught.value)


def test_selector_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown pseudo-class"):
        select(DOC, "p:unknown")


# ---- deep and wide trees ----------------------------------------------------------------------


def chain(depth: int, leaf: list[Any]) -> list[Any]:
    """``depth`` nested divs around ``leaf``, built without recursion."""
    node = leaf
    for level in range(depth):
        node = ["div", {"class": "d", "data-level": str(depth - level)}, [node, "t"]]
    return [node]


def test_a_10000_deep_tree_is_matched_without_recursion() -> None:
    depth = 10_000
    assert depth > sys.getrecursionlimit()
    snap = chain(depth, ["span", {"id": "leaf"}, ["x"]])
    assert names(snap, "div div div > span") == ["leaf"]
    assert names(snap, "div.d span:only-of-type:first-child") == ["leaf"]
    assert len(select(snap, "div:has(span)")) == depth
    assert len(select(snap, "div:has(> span)")) == 1
    assert len(select(snap, ":not(div) div")) == 0
    assert names(snap, "[data-level='10000'] > *") == ["leaf"]
    assert names(snap, "section span") == []  # no ancestor matches: gives up once, not per level


def test_a_10000_deep_tree_converts_and_serializes_without_recursion() -> None:
    depth = 10_000
    snap = chain(depth, ["span", {}, ["x"]])
    node = to_tuple(snap[0])
    for _ in range(depth - 1):
        node = node[2][0]
    assert node[2][0] == ("span", {}, ["x"])
    assert text_content(snap[0]) == "x" + "t" * depth
    html = serialize(snap)
    assert html.startswith('<div class="d" data-level="1"><div') and html.endswith("t</div>" * depth)


def test_wide_sibling_lists_stay_linear() -> None:
    width = 10_000
    snap = [["ul", {}, [["li", {"id": str(k)}, []] for k in range(width)]]]
    assert names(snap, "li:nth-of-type(5000)") == ["4999"]
    assert names(snap, "li:nth-last-child(1 of [id$='7'])") == ["9997"]
    assert len(select(snap, "li:last-of-type, li:first-of-type")) == 2


# ---- serialization ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("snap", "expected"),
    [
        (
            [["#doctype", "html"], ["html", {}, [["head", {}, []], ["body", {}, ["x"]]]]],
            "<!DOCTYPE html><html><head></head><body>x</body></html>",
        ),
        ([["#comment", " a <b> & "]], "<!-- a <b> & -->"),
        (["a & b < c > d \u00a0 \"q\" 'q'"], "a &amp; b &lt; c &gt; d &nbsp; \"q\" 'q'"),
        (
            [["p", {"title": "a & \"b\" <c> \u00a0 'd'"}, []]],
            "<p title=\"a &amp; &quot;b&quot; &lt;c&gt; &nbsp; 'd'\"></p>",
        ),
        ([["p", {"b": "1", "a": ""}, []]], '<p b="1" a=""></p>'),
        ([["br", {}, []], ["img", {"src": "x"}, []], ["input", {}, []]], '<br><img src="x"><input>'),
        ([["br", {}, ["ignored"]]], "<br>"),
        (
            [
                [
                    "p",
                    {},
                    [["area", {}, []], ["base", {}, []], ["col", {}, []], ["embed", {}, []], ["hr", {}, []]],
                ]
            ],
            "<p><area><base><col><embed><hr></p>",
        ),
        (
            [[tag, {}, []] for tag in ("link", "meta", "source", "track", "wbr", "basefont", "bgsound")],
            "<link><meta><source><track><wbr><basefont><bgsound>",
        ),
        ([["frame", {}, []], ["keygen", {}, []], ["param", {}, []]], "<frame><keygen><param>"),
        (
            [["script", {}, ["if (a < b && c > d) x = '&amp;'"]]],
            "<script>if (a < b && c > d) x = '&amp;'</script>",
        ),
        ([["style", {}, ["a > b { content: '&' }"]]], "<style>a > b { content: '&' }</style>"),
        (
            [[tag, {}, ["<&>"]] for tag in ("xmp", "iframe", "noembed", "noframes", "plaintext", "noscript")],
            "<xmp><&></xmp><iframe><&></iframe><noembed><&></noembed><noframes><&></noframes>"
            "<plaintext><&></plaintext><noscript><&></noscript>",
        ),
        ([["div", {}, [["script", {}, ["<"]], "<"]]], "<div><script><</script>&lt;</div>"),
        (
            [["textarea", {}, ["<b>"]], ["title", {}, ["&"]]],
            "<textarea>&lt;b&gt;</textarea><title>&amp;</title>",
        ),
        ([["template", {}, [["p", {}, ["in"]]]]], "<template><p>in</p></template>"),
        (
            [["svg", {"viewBox": "0 0 1 1"}, [["foreignObject", {}, []]]]],
            '<svg viewBox="0 0 1 1"><foreignObject></foreignObject></svg>',
        ),
        ([["#comment", "a"], "x", ["#comment", "b"]], "<!--a-->x<!--b-->"),
        ([], ""),
    ],
)
def test_serialization(snap: list[Any], expected: str) -> None:
    assert serialize(snap) == expected


def test_serialization_round_trips_a_parsed_document() -> None:
    html = (
        '<!DOCTYPE html><html lang="en"><head><title>a &amp; b</title></head>'
        '<body><p class="x">One<br>two &lt;3 &nbsp;</p><!--c--><template><td>x</td></template>'
        "<script>if (a < b) {}</script></body></html>"
    )
    assert serialize(snapshot(html)) == html


# ---- properties -------------------------------------------------------------------------------

_TAGS = ("div", "span", "section", "em", "strong", "code")
_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00\r\x0c"), min_size=1)


def _element(children: st.SearchStrategy[list[Any]]) -> st.SearchStrategy[list[Any]]:
    attrs = st.dictionaries(st.sampled_from(["id", "class", "title", "data-x", "lang"]), _TEXT | st.just(""))
    return st.builds(lambda tag, a, kids: [tag, a, kids], st.sampled_from(_TAGS), attrs, children)


_LEAF = st.one_of(
    _TEXT,
    st.builds(lambda a: ["br", a, []], st.dictionaries(st.just("id"), _TEXT)),
    st.builds(lambda data: ["#comment", data], st.text(st.characters(categories=("L", "N", "Zs")))),
    st.builds(lambda code: ["script", {}, [code]], st.text(st.characters(categories=("L", "N", "Sm")))),
)
_FOREST = st.recursive(st.lists(_LEAF, max_size=4), lambda kids: st.lists(_LEAF | _element(kids), max_size=4))


def normalize(nodes: list[Any]) -> list[Any]:
    """What a parser makes of a generated tree: adjacent text merged, empty script text gone."""
    out: list[Any] = []
    for node in nodes:
        if isinstance(node, str):
            if out and isinstance(out[-1], str):
                out[-1] += node
            elif node:
                out.append(node)
        elif node[0] == "#comment":
            out.append(node)
        else:
            out.append([node[0], node[1], normalize(node[2])])
    return out


@settings(max_examples=150, deadline=None)
@given(_FOREST)
def test_serialize_then_parse_gives_back_the_same_tree(forest: list[Any]) -> None:
    expected = normalize(forest)
    assert snapshot_from_parse(parse_html(serialize(expected), "body")) == expected


_SELECTORS = st.sampled_from(
    [
        "div",
        "span",
        "*",
        ".a",
        "#x",
        "[title]",
        "[lang|=en]",
        "div > span",
        "div span",
        "em + span",
        "em ~ *",
        ":first-child",
        ":last-of-type",
        ":nth-child(2n+1)",
        ":nth-last-of-type(-n+2)",
        ":empty",
        ":has(> em)",
        ":has(+ div)",
        ":is(div, em) > :not(span)",
        ":nth-child(odd of .a)",
    ]
)


def _matchable_element(children: st.SearchStrategy[list[Any]]) -> st.SearchStrategy[list[Any]]:
    attrs = st.fixed_dictionaries(
        {},
        optional={
            "class": st.sampled_from(["a", "b", "a b"]),
            "id": st.just("x"),
            "title": st.just(""),
            "lang": st.sampled_from(["en", "en-GB", "fr"]),
        },
    )
    return st.builds(
        lambda tag, a, kids: [tag, a, kids], st.sampled_from(["div", "span", "em"]), attrs, children
    )


_MATCHABLE = st.recursive(
    st.lists(_matchable_element(st.just([])) | st.just("t"), max_size=3),
    lambda kids: st.lists(_matchable_element(kids) | st.just("t"), max_size=4),
)


@settings(max_examples=150, deadline=None)
@given(_MATCHABLE, _SELECTORS)
def test_not_selects_exactly_the_other_elements(forest: list[Any], selector: str) -> None:
    every = select(forest, "*")
    matched = {id(node) for node in select(forest, selector)}
    complement = select(forest, f":not({selector})")
    assert [node for node in every if id(node) not in matched] == complement
