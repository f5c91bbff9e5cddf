"""The ``dom`` group's ``MutationObserver``: records, filters, delivery order."""

from __future__ import annotations

from domtest import error_of

import actors


def describe_records_js() -> str:
    return """
        const ids = (list) => [...list].map(n => n.nodeType === 1 ? n.localName : n.data);
        const describe = (records) => records.map(r => {
            const t = r.target;
            const d = {type: r.type, target: t.nodeType === 1 ? t.localName : t.nodeName};
            if (r.type === 'childList') {
                d.added = ids(r.addedNodes); d.removed = ids(r.removedNodes);
                d.prev = r.previousSibling && (r.previousSibling.localName || r.previousSibling.data);
                d.next = r.nextSibling && (r.nextSibling.localName || r.nextSibling.data);
            } else if (r.type === 'attributes') {
                d.name = r.attributeName; d.old = r.oldValue;
            } else {
                d.old = r.oldValue;
            }
            return d;
        });
    """


def child_list(
    target: str, added: list[str], removed: list[str], prev: str | None, next_: str | None
) -> dict[str, object]:
    return {
        "type": "childList",
        "target": target,
        "added": added,
        "removed": removed,
        "prev": prev,
        "next": next_,
    }


def test_child_list_records(dom: actors.Context) -> None:
    got = dom.eval(
        describe_records_js()
        + """
        const d = document.createElement('div');
        d.innerHTML = '<a></a><b></b>';
        const seen = [];
        const mo = new MutationObserver((records, mo2) => seen.push([mo2 === mo, describe(records)]));
        mo.observe(d, {childList: true});
        d.insertBefore(document.createElement('x'), d.lastChild);
        d.firstChild.remove();
        d.querySelector('b').append('not observed: subtree');
        d.replaceChild(document.createElement('y'), d.firstChild);
        d.innerHTML = '<z></z>';
        const sync = seen.length;
        await null;
        [sync, seen]
    """
    )
    assert got == [
        0,
        [
            [
                True,
                [
                    child_list("div", ["x"], [], "a", "b"),
                    child_list("div", [], ["a"], None, "x"),
                    child_list("div", ["y"], ["x"], None, "b"),
                    child_list("div", ["z"], ["y", "b"], None, None),
                ],
            ]
        ],
    ]


def test_attribute_records_with_old_values_and_filter(dom: actors.Context) -> None:
    got = dom.eval(
        describe_records_js()
        + """
        const d = document.createElement('div');
        d.id = 'one';
        const all = [], filtered = [];
        new MutationObserver(r => all.push(...describe(r)))
            .observe(d, {attributes: true, attributeOldValue: true});
        new MutationObserver(r => filtered.push(...describe(r))).observe(d, {attributeFilter: ['class']});
        d.id = 'two';
        d.classList.add('c');
        d.dataset.x = '1';
        d.style.color = 'red';
        d.removeAttribute('id');
        d.toggleAttribute('hidden');
        await null;
        [all, filtered]
    """
    )
    assert got == [
        [
            {"type": "attributes", "target": "div", "name": "id", "old": "one"},
            {"type": "attributes", "target": "div", "name": "class", "old": None},
            {"type": "attributes", "target": "div", "name": "data-x", "old": None},
            {"type": "attributes", "target": "div", "name": "style", "old": None},
            {"type": "attributes", "target": "div", "name": "id", "old": "two"},
            {"type": "attributes", "target": "div", "name": "hidden", "old": None},
        ],
        [{"type": "attributes", "target": "div", "name": "class", "old": None}],
    ]


def test_character_data_and_subtree_records(dom: actors.Context) -> None:
    got = dom.eval(
        describe_records_js()
        + """
        const d = document.createElement('div');
        d.innerHTML = '<p>hello</p>';
        const text = d.firstChild.firstChild;
        const seen = [];
        new MutationObserver(r => seen.push(...describe(r))).observe(d, {
            subtree: true, characterDataOldValue: true, childList: true, attributes: true});
        text.data = 'bye';
        text.appendData('!');
        d.firstChild.title = 't';
        d.firstChild.append(document.createElement('i'));
        await null;
        seen
    """
    )
    assert got == [
        {"type": "characterData", "target": "#text", "old": "hello"},
        {"type": "characterData", "target": "#text", "old": "bye"},
        {"type": "attributes", "target": "p", "name": "title", "old": None},
        child_list("p", ["i"], [], "bye!", None),
    ]


def test_a_removed_subtree_stays_observed_until_delivery(dom: actors.Context) -> None:
    got = dom.eval(
        describe_records_js()
        + """
        const d = document.createElement('div');
        d.innerHTML = '<p><b></b></p>';
        const p = d.firstChild;
        const seen = [];
        new MutationObserver(r => seen.push(describe(r)))
            .observe(d, {subtree: true, attributes: true, childList: true});
        p.remove();
        p.firstChild.id = 'still seen';
        await null;
        p.firstChild.id = 'not any more';
        await null;
        seen
    """
    )
    assert got == [
        [
            child_list("div", [], ["p"], None, None),
            {"type": "attributes", "target": "b", "name": "id", "old": None},
        ]
    ]


def test_take_records_and_disconnect(dom: actors.Context) -> None:
    got = dom.eval("""
        const d = document.createElement('div');
        let calls = 0;
        const mo = new MutationObserver(() => calls++);
        mo.observe(d, {childList: true});
        mo.observe(d, {childList: true, attributes: true});
        d.append('a');
        d.id = 'x';
        const taken = mo.takeRecords().map(r => r.type);
        await null;
        const afterTake = calls;
        d.append('b');
        mo.disconnect();
        await null;
        d.append('c');
        await null;
        [taken, afterTake, calls, mo.takeRecords().length, taken.length]
    """)
    assert got == [["childList", "attributes"], 0, 0, 0, 2]


def test_observe_validates_its_options(dom: actors.Context) -> None:
    bad = (
        "{}",
        "{subtree: true}",
        "{attributeOldValue: true, attributes: false}",
        "{characterDataOldValue: true, characterData: false}",
        "{attributeFilter: [], attributes: false}",
    )
    for options in bad:
        code = f"new MutationObserver(() => {{}}).observe(document.body, {options})"
        assert error_of(dom, code) == ["TypeError", "TypeError"], options
    assert error_of(dom, "new MutationObserver(1)") == ["TypeError", "TypeError"]
    assert error_of(
        dom, "new MutationObserver(() => {}).observe(document.body, {attributeOldValue: true})"
    ) == ["none"]


def test_each_observer_is_called_once_per_batch_in_creation_order(dom: actors.Context) -> None:
    got = dom.eval("""
        const log = [];
        const second = new MutationObserver(r => log.push(['second', r.length]));
        const first = new MutationObserver(r => log.push(['first', r.length]));
        first.observe(document.body, {childList: true});
        second.observe(document.body, {childList: true, subtree: true});
        document.body.append('a', 'b');
        document.body.append('c');
        await null;
        log
    """)
    assert got == [["second", 2], ["first", 2]]
