"""The ``dom`` group's ``Element``: attributes, classes, dataset, style, inner/outer HTML, insertion."""

from __future__ import annotations

from domtest import error_of

import actors


def test_attributes(dom: actors.Context) -> None:
    got = dom.eval("""
        const e = document.createElement('div');
        e.setAttribute('Data-X', 1);
        e.setAttribute('title', 'a');
        e.setAttribute('title', 'b');
        const names = e.getAttributeNames();
        const vals = [e.getAttribute('data-x'), e.getAttribute('DATA-X'), e.getAttribute('nope'),
                      e.hasAttribute('TITLE'), e.hasAttributes()];
        const t1 = e.toggleAttribute('hidden'), t2 = e.toggleAttribute('hidden'),
              t3 = e.toggleAttribute('hidden', true), t4 = e.toggleAttribute('hidden', true);
        e.removeAttribute('title');
        e.removeAttribute('not-there');
        [names, vals, [t1, t2, t3, t4], e.outerHTML, e.attributes.length]
    """)
    assert got == [
        ["data-x", "title"],
        ["1", "1", None, True, True],
        [True, False, True, True],
        '<div data-x="1" hidden=""></div>',
        2,
    ]


def test_attributes_named_node_map(dom: actors.Context) -> None:
    got = dom.eval("""
        const e = document.createElement('div');
        e.innerHTML = '<svg xlink:href=u xml:lang=en><rect/></svg>';
        e.setAttribute('id', 'x');
        e.setAttribute('class', 'c');
        const attrs = e.attributes;
        const list = [...attrs].map(a => [a.name, a.value, a.ownerElement === e]);
        attrs[0].value = 'y';
        attrs.class.value = 'd';
        const svg = e.firstChild;
        const foreign = [...svg.attributes].map(a => [a.name, a.prefix, a.localName, a.namespaceURI]);
        [list, attrs.length, attrs.item(1).name, attrs.getNamedItem('ID').value, e.id, e.className,
         attrs === e.attributes, foreign, svg.getAttributeNS('http://www.w3.org/1999/xlink', 'href'),
         svg.hasAttributeNS(null, 'href'), e.getAttributeNode('id').value]
    """)
    assert got == [
        [["id", "x", True], ["class", "c", True]],
        2, "class", "y", "y", "d", True,
        [["xlink:href", "xlink", "href", "http://www.w3.org/1999/xlink"],
         ["xml:lang", "xml", "lang", "http://www.w3.org/XML/1998/namespace"]],
        "u", False, "y",
    ]  # fmt: skip


def test_id_and_class_name_reflect_their_attributes(dom: actors.Context) -> None:
    got = dom.eval("""
        const e = document.createElement('p');
        const before = [e.id, e.className];
        e.id = 'main';
        e.className = 'a b';
        [before, e.getAttribute('id'), e.getAttribute('class'), e.outerHTML]
    """)
    assert got == [["", ""], "main", "a b", '<p id="main" class="a b"></p>']


def test_class_list(dom: actors.Context) -> None:
    got = dom.eval("""
        const e = document.createElement('p');
        const cl = e.classList;
        const none = [cl.length, cl.value, e.hasAttribute('class')];
        cl.remove('x');
        const stillNone = e.hasAttribute('class');
        cl.add('a', 'b', 'a');
        const afterAdd = e.className;
        const toggles = [cl.toggle('c'), cl.toggle('a'), cl.toggle('b', true), cl.toggle('z', false)];
        const replaced = [cl.replace('b', 'B'), cl.replace('nope', 'x')];
        e.className = '  x   y x ';
        [none, stillNone, afterAdd, toggles, replaced, cl.length, cl[0], cl[1], cl[2], cl.item(1), cl.item(9),
         cl.contains('y'), [...cl], cl.value, String(cl), cl === e.classList, cl instanceof DOMTokenList]
    """)
    assert got == [
        [0, "", False], False, "a b",
        [True, False, True, False],
        [True, False],
        2, "x", "y", None, "y", None, True, ["x", "y"], "  x   y x ", "  x   y x ", True, True,
    ]  # fmt: skip


def test_class_list_serializes_after_a_change_and_checks_tokens(dom: actors.Context) -> None:
    got = dom.eval("""
        const e = document.createElement('p');
        e.className = ' a  b a ';
        e.classList.add('c');
        const forEach = [];
        e.classList.forEach((t, i) => forEach.push(i + t));
        [e.className, forEach]
    """)
    assert got == ["a b c", ["0a", "1b", "2c"]]
    assert error_of(dom, "document.body.classList.add('')") == ["DOMException", "SyntaxError"]
    assert error_of(dom, "document.body.classList.add('a b')") == ["DOMException", "InvalidCharacterError"]


def test_dataset(dom: actors.Context) -> None:
    got = dom.eval("""
        const e = document.createElement('div');
        e.setAttribute('data-foo-bar', '1');
        e.setAttribute('data-x', '2');
        e.setAttribute('datalist', 'no');
        const ds = e.dataset;
        const read = [ds.fooBar, ds.x, ds.nope, 'fooBar' in ds, 'nope' in ds, Object.keys(ds)];
        ds.someValue = 42;
        ds.x = 'changed';
        delete ds.fooBar;
        [read, e.getAttribute('data-some-value'), e.getAttribute('data-x'), e.hasAttribute('data-foo-bar'),
         ds === e.dataset, {...ds}]
    """)
    assert got == [
        ["1", "2", None, True, False, ["fooBar", "x"]],
        "42", "changed", False, True, {"x": "changed", "someValue": "42"},
    ]  # fmt: skip
    assert error_of(dom, "document.body.dataset['a-b'] = 1") == ["DOMException", "SyntaxError"]


def test_style_is_a_map_over_the_style_attribute(dom: actors.Context) -> None:
    got = dom.eval("""
        const e = document.createElement('div');
        e.setAttribute('style', 'color: red; margin-top:1px');
        const s = e.style;
        const read = [s.color, s.marginTop, s['margin-top'], s.getPropertyValue('margin-top'), s.length, s[0],
                      s.item(1), s.background];
        s.backgroundColor = 'blue';
        s.color = '';
        s.setProperty('--my-var', '3px');
        s.setProperty('width', '10px', 'important');
        s.cssFloat = 'left';
        const written = e.getAttribute('style');
        const removed = s.removeProperty('width');
        const prio = s.getPropertyPriority('width');
        e.setAttribute('style', 'display: none');
        const reread = [s.display, s.cssText, s.length];
        s.cssText = 'top: 0; left: 1px !important';
        [read, written, removed, prio, reread, e.getAttribute('style'), s.getPropertyPriority('left'),
         s === e.style]
    """)
    assert got == [
        ["red", "1px", "1px", "1px", 2, "color", "margin-top", ""],
        "margin-top: 1px; background-color: blue; --my-var: 3px; width: 10px !important; float: left;",
        "10px", "",
        ["none", "display: none;", 1],
        "top: 0; left: 1px !important;",
        "important", True,
    ]  # fmt: skip


def test_inner_html_round_trip(dom: actors.Context) -> None:
    html = (
        '<p class="a">x &amp; y</p><ul><li>1</li><li>2</li></ul><!--note--><br><img src="a.png" alt="&quot;">'
    )
    got = dom.eval(f"""
        const d = document.createElement('div');
        d.innerHTML = {html!r};
        const once = d.innerHTML;
        d.innerHTML = once;
        [once, d.innerHTML === once, d.childNodes.length]
    """)
    assert got == [html, True, 5]


def test_inner_html_parses_in_the_context_of_the_element(dom: actors.Context) -> None:
    got = dom.eval("""
        const table = document.createElement('table');
        table.innerHTML = '<tr><td>1</td></tr>';
        const tr = document.createElement('tr');
        tr.innerHTML = '<td>a<td>b';
        const select = document.createElement('select');
        select.innerHTML = '<option>a<option>b';
        const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
        svg.innerHTML = '<circle r=1 /><foreignObject><p>x</p></foreignObject>';
        [table.innerHTML, tr.innerHTML, select.innerHTML, svg.innerHTML,
         svg.firstChild.namespaceURI, svg.lastChild.firstChild.namespaceURI]
    """)
    assert got == [
        "<tbody><tr><td>1</td></tr></tbody>",
        "<td>a</td><td>b</td>",
        "<option>a</option><option>b</option>",
        '<circle r="1"></circle><foreignObject><p>x</p></foreignObject>',
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xhtml",
    ]


def test_template_inner_html_sets_its_content(dom: actors.Context) -> None:
    got = dom.eval("""
        const t = document.createElement('template');
        t.innerHTML = '<tr><td>cell</td></tr>';
        const content = t.content;
        document.body.append(t);
        [t.childNodes.length, content.nodeType, content.firstChild.localName, t.innerHTML,
         document.body.innerHTML, document.querySelector('td'), content.querySelector('td').textContent,
         t.content === content, t instanceof HTMLTemplateElement]
    """)
    assert got == [
        0, 11, "tr", "<tr><td>cell</td></tr>", "<template><tr><td>cell</td></tr></template>", None, "cell",
        True, True,
    ]  # fmt: skip


def test_outer_html(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<div><p id=a>x</p></div>';
        const p = document.getElementById('a');
        p.outerHTML = '<b>1</b>text<i>2</i>';
        const after = document.body.innerHTML;
        const loose = document.createElement('span');
        loose.outerHTML = '<em></em>';
        [after, p.parentNode, loose.outerHTML]
    """)
    assert got == ["<div><b>1</b>text<i>2</i></div>", None, "<span></span>"]
    assert error_of(dom, "document.documentElement.outerHTML = '<p>'") == [
        "DOMException",
        "NoModificationAllowedError",
    ]


def test_children_is_a_live_html_collection(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        const kids = d.children;
        d.innerHTML = 'a<b></b>c<i></i>';
        const first = [kids.length, kids[0].localName, kids[1].localName, kids === d.children];
        d.append(document.createElement('u'));
        d.firstElementChild.remove();
        [first, kids.length, [...kids].map(k => k.localName), kids.item(0).localName, d.childElementCount]
    """)
    assert got == [[2, "b", "i", True], 2, ["i", "u"], "i", 2]


def test_append_prepend_before_after_replace_with(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        const x = document.createElement('x');
        d.append('a', x, 'b');
        d.prepend(document.createElement('p'), 'start');
        const r1 = d.innerHTML;
        x.before('1', document.createElement('y'));
        x.after('2');
        const r2 = d.innerHTML;
        x.replaceWith(document.createElement('z'), 'zz');
        const r3 = d.innerHTML;
        d.querySelector('z').remove();
        const r4 = d.innerHTML;
        d.replaceChildren('only', document.createElement('o'));
        const r5 = d.innerHTML;
        d.replaceChildren();
        const detached = document.createElement('q');
        detached.before('nothing');
        [r1, r2, r3, r4, r5, d.childNodes.length, x.parentNode]
    """)
    assert got == [
        "<p></p>starta<x></x>b",
        "<p></p>starta1<y></y><x></x>2b",
        "<p></p>starta1<y></y><z></z>zz2b",
        "<p></p>starta1<y></y>zz2b",
        "only<o></o>",
        0,
        None,
    ]


def test_before_and_after_with_the_node_itself_among_the_arguments(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        d.innerHTML = '<a></a><b></b><c></c>';
        const [a, b, c] = d.children;
        b.before(a, c);
        const r1 = d.innerHTML;
        b.after(b, a);
        [r1, d.innerHTML]
    """)
    assert got == ["<a></a><c></c><b></b>", "<c></c><b></b><a></a>"]


def test_insert_adjacent(dom: actors.Context) -> None:
    got = dom.eval("""
        document.body.innerHTML = '<div id=t>x</div>';
        const t = document.getElementById('t');
        t.insertAdjacentHTML('beforebegin', '<a></a>');
        t.insertAdjacentHTML('afterBegin', '<b></b>');
        t.insertAdjacentHTML('beforeend', '<td>cell</td><i></i>');
        t.insertAdjacentHTML('afterend', '<c></c>');
        t.insertAdjacentText('beforeend', '<txt>');
        const moved = t.insertAdjacentElement('afterbegin', document.querySelector('c'));
        const loose = document.createElement('p')
            .insertAdjacentElement('beforebegin', document.createElement('q'));
        [document.body.innerHTML, moved.localName, loose]
    """)
    assert got == ['<a></a><div id="t"><c></c><b></b>xcell<i></i>&lt;txt&gt;</div>', "c", None]
    assert error_of(dom, "document.body.insertAdjacentHTML('nowhere', '')") == ["DOMException", "SyntaxError"]
    assert error_of(dom, "document.documentElement.insertAdjacentHTML('afterend', '<p>')") == [
        "DOMException",
        "NoModificationAllowedError",
    ]


def test_reflected_properties(dom: actors.Context) -> None:
    got = dom.eval("""
        const a = document.createElement('a');
        a.href = '/x';
        a.title = 't';
        a.hidden = true;
        const i = document.createElement('input');
        i.type = 'checkbox';
        i.checked = true;
        i.disabled = true;
        i.value = 'v';
        const ta = document.createElement('textarea');
        ta.value = 'text';
        const label = document.createElement('label');
        label.htmlFor = 'x';
        [a.outerHTML, i.outerHTML, i.checked, ta.value, ta.textContent, label.outerHTML]
    """)
    assert got == [
        '<a href="/x" title="t" hidden=""></a>',
        '<input type="checkbox" disabled="" value="v">',  # checked is state, value is the attribute here
        True, "text", "", '<label for="x"></label>',
    ]  # fmt: skip
