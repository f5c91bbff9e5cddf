"""The ``dom`` group's serialization: escaping, void and raw-text elements, round trips."""

from __future__ import annotations

import pytest

import actors


def test_serialization_escapes_text_and_attributes(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        d.setAttribute('title', 'a&b "q" <x> \\u00a0');
        d.append('1 < 2 & 3 > 2 "q" \\u00a0 \\'');
        d.outerHTML
    """)
    assert (
        got
        == '<div title="a&amp;b &quot;q&quot; &lt;x&gt; &nbsp;">1 &lt; 2 &amp; 3 &gt; 2 "q" &nbsp; \'</div>'
    )


def test_serialization_of_void_and_raw_text_elements(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        for (const name of ['br', 'img', 'input', 'hr', 'wbr', 'meta', 'link', 'source'])
            d.append(document.createElement(name));
        const br = d.firstChild;
        br.append('ignored');
        const voids = d.innerHTML;
        const raws = ['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext', 'noscript',
                      'textarea', 'title'].map(name => {
            const e = document.createElement(name);
            e.textContent = 'a<b>&c';
            return e.outerHTML;
        });
        const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
        svg.append(document.createElementNS('http://www.w3.org/2000/svg', 'br'));
        [voids, raws, svg.outerHTML]
    """)
    assert got == [
        "<br><img><input><hr><wbr><meta><link><source>",
        [
            "<script>a<b>&c</script>", "<style>a<b>&c</style>", "<xmp>a<b>&c</xmp>",
            "<iframe>a<b>&c</iframe>",
            "<noembed>a<b>&c</noembed>", "<noframes>a<b>&c</noframes>", "<plaintext>a<b>&c</plaintext>",
            "<noscript>a<b>&c</noscript>", "<textarea>a&lt;b&gt;&amp;c</textarea>",
            "<title>a&lt;b&gt;&amp;c</title>",
        ],
        "<svg><br></br></svg>",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "html",
    [
        "<p>plain</p>",
        '<div id="a"><span class="x y">t</span><!-- c --><br></div>',
        "<table><tbody><tr><td>1</td><td>2</td></tr></tbody></table>",
        "<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>",
        '<svg viewBox="0 0 1 1"><circle r="1"></circle><foreignObject><p>x</p></foreignObject></svg>',
        "<math><mi>x</mi></math>",
        "<template><p>in template</p><template><b>nested</b></template></template>",
        "<script>if (a < b && c) {}</script><style>p > a {}</style>",
        "<pre>x\ny</pre><textarea>t&lt;</textarea>",
        '<a href="?a=1&amp;b=2">&amp;&lt;&gt;&nbsp;</a>',
        '<select><option selected="">a</option></select><input type="text" value="&quot;">',
    ],
)
def test_serialization_round_trips(dom: actors.Context, html: str) -> None:
    got = dom.eval(f"""
        const a = document.createElement('div');
        a.innerHTML = {html!r};
        const b = document.createElement('div');
        b.innerHTML = a.innerHTML;
        [a.innerHTML === b.innerHTML, b.isEqualNode(a), a.innerHTML]
    """)
    assert got[:2] == [True, True]
    if "\n" not in html:
        assert got[2] == html


def test_a_whole_document_round_trips(dom: actors.Context) -> None:
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>T</title></head>'
        '<body><h1>Hi</h1><p class="x">text</p></body></html>'
    )
    got = dom.eval(f"""
        const doc = new DOMParser().parseFromString({html!r}, 'text/html');
        const again = new DOMParser()
            .parseFromString('<!DOCTYPE html>' + doc.documentElement.outerHTML, 'text/html');
        [doc.documentElement.outerHTML, again.isEqualNode(doc)]
    """)
    assert got == [html.removeprefix("<!DOCTYPE html>"), True]
