"""Preact 10 and 11 (with hooks) render, update and handle events in our DOM as they do in jsdom.

The same components (``SCENARIO`` below: state, reducers, context, refs, effects, keyed lists,
controlled form fields, capture handlers, SVG, style objects, dangerouslySetInnerHTML) run in a
context with the ``dom`` group and in jsdom under Node, rendering into ``document.body``; after the
first render, after each dispatched event and after each update, both sides record the body's HTML,
the live state of every form control (value, checked, selected, selectedIndex) and what the
handlers logged, and the two records must be equal. Re-renders and effects are flushed by hand
through ``options.debounceRendering`` and ``options.requestAnimationFrame``, so nothing depends on
timers. The packages come from the npm registry (``tests/npm_packages.py``); the test skips, saying
how to install them, when they or Node are missing.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from npm_packages import MODULES, NPM_DIR, module_as_function, node_binary, package_file

import actors

SCENARIO = r"""
async function scenario(P, H, env) {
  const { h, render, Fragment, createContext, Component } = P;
  const { useState, useEffect, useLayoutEffect, useRef, useMemo, useReducer, useContext, useCallback } = H;
  const { document, Event } = env;
  const pending = [];
  P.options.debounceRendering = (cb) => pending.push(cb);
  P.options.requestAnimationFrame = (cb) => pending.push(cb);
  const flush = () => { for (let i = 0; i < 1000 && pending.length; i++) pending.shift()(); };
  const log = [];
  const snaps = [];
  const root = document.body;
  const controls = () => [...root.querySelectorAll('input, textarea, select, option')].map((el) =>
    [el.localName, el.value, !!el.checked, !!el.selected, el.localName === 'select' ? el.selectedIndex : -2]);
  const snap = (label) =>
    snaps.push({ label, html: root.innerHTML, controls: controls(), log: log.splice(0) });
  const $ = (sel) => root.querySelector(sel);
  const fire = (el, type, bubbles = true) => el.dispatchEvent(new Event(type, { bubbles, cancelable: true }));

  const Theme = createContext('light');
  function Counter({ start }) {
    const [n, setN] = useState(start);
    const double = useMemo(() => n * 2, [n]);
    const inc = useCallback(() => setN((v) => v + 1), []);
    useEffect(() => { log.push('effect ' + n); return () => log.push('cleanup ' + n); }, [n]);
    useLayoutEffect(() => { log.push('layout ' + n); }, [n]);
    return h('div', { class: 'counter', 'data-n': n },
      h('button', { id: 'inc', onClick: inc, onClickCapture: () => log.push('capture') }, '+'),
      h('span', { id: 'n', title: n % 2 ? 'odd' : 'even', hidden: n > 5 }, n, ' / ', double));
  }
  function reducer(list, action) {
    switch (action.type) {
      case 'add': return [...list, { id: list.length + 1, text: 'item ' + (list.length + 1) }];
      case 'reverse': return [...list].reverse();
      case 'drop': return list.slice(1);
    }
    return list;
  }
  function List() {
    const [items, dispatch] = useReducer(reducer, [{ id: 1, text: 'item 1' }, { id: 2, text: 'item 2' }]);
    const theme = useContext(Theme);
    return h(Fragment, null,
      h('ul', { className: 'list ' + theme },
        items.map((it) => h('li',
          { key: it.id, 'aria-label': it.text, style: { color: 'red', paddingLeft: it.id * 2 + 'px' } },
          it.text))),
      h('button', { id: 'add', onClick: () => dispatch({ type: 'add' }) }, 'add'),
      h('button', { id: 'rev', onClick: () => dispatch({ type: 'reverse' }) }, 'reverse'),
      h('button', { id: 'drop', onDblClick: () => dispatch({ type: 'drop' }) }, 'drop'));
  }
  function Form() {
    const [text, setText] = useState('hello');
    const [agree, setAgree] = useState(true);
    const [pick, setPick] = useState('b');
    const [note, setNote] = useState('a note');
    const input = useRef(null);
    return h('form', { onSubmit: (e) => { e.preventDefault(); log.push('submit ' + input.current.value); } },
      h('input', { id: 'text', ref: input, value: text,
        onInput: (e) => setText(e.currentTarget.value.toUpperCase()) }),
      h('input', { id: 'agree', type: 'checkbox', checked: agree,
        onChange: (e) => setAgree(e.currentTarget.checked) }),
      h('select', { id: 'pick', value: pick, onChange: (e) => setPick(e.currentTarget.value) },
        ['a', 'b', 'c'].map((v) => h('option', { value: v }, v.toUpperCase()))),
      h('textarea', { id: 'note', value: note, onInput: (e) => setNote(e.currentTarget.value + '!') }),
      h('input', { id: 'off', type: 'text', disabled: !agree, placeholder: 'off when not agreed' }),
      h('p', { id: 'echo' }, text, ' ', String(agree), ' ', pick, ' ', note));
  }
  class Clock extends Component {
    constructor() { super(); this.state = { ticks: 0 }; }
    componentDidMount() { log.push('mounted'); }
    componentWillUnmount() { log.push('unmounted'); }
    render(props, state) {
      const tick = () => this.setState({ ticks: state.ticks + 1 });
      return h('svg', { viewBox: '0 0 10 10', class: 'clock', onClick: tick },
        h('circle', { cx: 5, cy: 5, r: state.ticks + 1, fill: 'none', 'stroke-width': 1 }),
        h('a', { xlinkHref: '#t' + state.ticks }, h('text', null, 'tick ' + state.ticks)));
    }
  }
  function App() {
    const [theme, setTheme] = useState('light');
    const [show, setShow] = useState(true);
    return h(Theme.Provider, { value: theme },
      h('main', { id: 'app' },
        h('button', { id: 'theme', onClick: () => setTheme(theme === 'light' ? 'dark' : 'light') }, theme),
        h('button', { id: 'toggle', onClick: () => setShow(!show) }, 'toggle'),
        h(Counter, { start: 4 }),
        h(List, null),
        show ? h(Clock, null) : null,
        h(Form, null),
        h('div', { id: 'raw', dangerouslySetInnerHTML: { __html: '<b>bold</b> &amp; <i>it</i>' } })));
  }

  render(h(App, null), root); flush(); snap('mount');
  fire($('#inc'), 'click'); flush(); snap('click counter');
  fire($('#inc'), 'click'); fire($('#inc'), 'click'); flush(); snap('two clicks');
  fire($('#add'), 'click'); flush(); snap('add item');
  fire($('#rev'), 'click'); flush(); snap('reverse');
  fire($('#drop'), 'click'); flush(); snap('click is not dblclick');
  fire($('#drop'), 'dblclick'); flush(); snap('dblclick drops');
  fire($('#theme'), 'click'); flush(); snap('context change');
  fire($('.clock'), 'click'); flush(); snap('svg click');
  $('#text').value = 'typed'; fire($('#text'), 'input'); flush(); snap('controlled input');
  $('#agree').click(); flush(); snap('checkbox click');
  $('#pick').value = 'c'; fire($('#pick'), 'change'); flush(); snap('select change');
  $('#note').value = 'edited'; fire($('#note'), 'input'); flush(); snap('textarea input');
  fire($('form'), 'submit'); flush(); snap('submit prevented');
  fire($('#toggle'), 'click'); flush(); snap('unmount class component');
  fire($('#toggle'), 'click'); flush(); snap('mount again');
  render(null, root); flush(); snap('render null');
  return snaps;
}
"""


def libraries(version: int) -> str:
    """Preact ``version`` and its hooks as JS that defines ``P`` and ``H`` (for Node's CommonJS side)."""
    pkg = f"preact{version}"
    core = module_as_function(package_file(pkg, "dist/preact.mjs").read_text(encoding="utf-8"))
    hooks = module_as_function(package_file(pkg, "hooks/dist/hooks.mjs").read_text(encoding="utf-8"))
    return f"const P = {core}({{}});\nconst H = {hooks}({{preact: P}});\n"


def in_our_dom(version: int) -> Any:
    """The scenario in a context, with Preact imported as published (its ES
    module files, through a module registry over the npm folder)."""
    package_file(f"preact{version}", "package.json")
    alias = f"preact{version}"
    modules = actors.Modules(root=NPM_DIR, import_map={"imports": {"preact": alias, "preact/": alias + "/"}})
    program = "const P = await import('preact');\nconst H = await import('preact/hooks');\n" + SCENARIO
    with actors.ContextPool(size=1, modules=modules) as pool:
        ctx = pool.spawn(apis=["dom"], timeout=60.0)
        return ctx.eval(
            "(async () => {\n" + program + "\nreturn scenario(P, H, { document, Event });\n})()",
            filename="preact-scenario.js",
        )


def in_jsdom(program: str, tmp_path: Path) -> Any:
    node = node_binary()
    package_file("jsdom", "package.json")
    script = tmp_path / "scenario.cjs"
    script.write_text(
        f"const {{ JSDOM }} = require({json.dumps(str(MODULES / 'jsdom'))});\n"
        "const dom = new JSDOM('<!DOCTYPE html><html><head></head><body></body></html>');\n"
        "globalThis.document = dom.window.document;\n"
        "(async () => {\n" + program + "\n"
        "const snaps = await scenario(P, H, { document: dom.window.document, Event: dom.window.Event });\n"
        "process.stdout.write(JSON.stringify(snaps));\n"
        "})().catch((e) => { console.error(e); process.exit(1); });\n",
        encoding="utf-8",
    )
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("version", [10, 11])
def test_preact_renders_updates_and_handles_events_as_in_jsdom(version: int, tmp_path: Path) -> None:
    expected = in_jsdom(libraries(version) + SCENARIO, tmp_path)
    got = in_our_dom(version)
    assert [s["label"] for s in got] == [s["label"] for s in expected]
    for ours, theirs in zip(got, expected, strict=True):
        assert ours == theirs, ours["label"]
