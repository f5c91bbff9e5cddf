// The `dom` group's select, option and form elements (their interfaces' members): a part of polyfills/dom.js compiled apart and
// loaded on first use (see part() there, and actors/apis/loader.py). Called
// with the document's internals when the first of HTMLSelectElement,
// HTMLOptionElement and HTMLFormElement is made; adds their members with
// extendHTML and returns what the core calls.
(function formsPart(core) {
  'use strict';

  const {
    currentTreeVersion, Event, extendHTML, extra, formOwner, formState, getAttr, KIDS,
    liveCollection, NAME, NSC, PARENT, parseInteger, peekForm, removeNode, setAttr,
    setTextContent, staticList, T, textOf, tokenListFor,
  } = core;
  const isOption = (n) => n[T] === 1 && n[NSC] === 0 && n[NAME] === 'option';
  const isHtml = (n, name) => n !== null && n[T] === 1 && n[NSC] === 0 && n[NAME] === name;
  // the select an option belongs to (its parent, or its optgroup's parent)
  function selectOf(option) {
    let p = option[PARENT];
    if (isHtml(p, 'optgroup')) p = p[PARENT];
    return isHtml(p, 'select') ? p : null;
  }
  function listOptions(select) {
    const out = [];
    for (const k of select[KIDS]) {
      if (isOption(k)) out.push(k);
      else if (isHtml(k, 'optgroup')) for (const c of k[KIDS]) if (isOption(c)) out.push(c);
    }
    return out;
  }
  function ownSelectedness(o) {
    const f = peekForm(o);
    return f !== undefined && f.selected !== undefined ? f.selected : getAttr(o, 'selected') !== null;
  }
  function optionDisabled(o) {
    if (getAttr(o, 'disabled') !== null) return true;
    const p = o[PARENT];
    return isHtml(p, 'optgroup') && getAttr(p, 'disabled') !== null;
  }
  function displaySize(select) {
    const v = getAttr(select, 'size');
    const n = v === null ? null : parseInteger(v);
    if (n !== null && n > 0) return n;
    return getAttr(select, 'multiple') !== null ? 4 : 1;
  }
  // The selected options, after the selectedness setting algorithm: one at
  // most in a single select (the last selected one), and with a display size
  // of 1 the first enabled option when none is, unless a script cleared the
  // selection (value / selectedIndex) since the options last changed.
  function selectedOptions(select) {
    const opts = listOptions(select);
    if (getAttr(select, 'multiple') !== null) return opts.filter(ownSelectedness);
    let chosen = null;
    for (const o of opts) if (ownSelectedness(o)) chosen = o;
    if (chosen === null && displaySize(select) === 1) {
      const f = peekForm(select);
      if (f === undefined || f.cleared !== currentTreeVersion()) chosen = opts.find((o) => !optionDisabled(o)) || null;
    }
    return chosen === null ? [] : [chosen];
  }
  function optionSelected(o) {
    const select = selectOf(o);
    return select === null ? ownSelectedness(o) : selectedOptions(select).includes(o);
  }
  function setOptionSelected(o, v) {
    const f = formState(o);
    f.selected = v;
    f.dirtySelected = true;
    const select = selectOf(o);
    if (select === null) return;
    if (v && getAttr(select, 'multiple') === null) {
      for (const other of listOptions(select)) if (other !== o) formState(other).selected = false;
    }
    if (!v) formState(select).cleared = -1;
  }
  // select.value / selectedIndex: unselect every option, then select `pick` (if any)
  function selectOnly(select, pick) {
    for (const o of listOptions(select)) formState(o).selected = false;
    if (pick !== undefined && pick !== null) {
      const f = formState(pick);
      f.selected = true;
      f.dirtySelected = true;
    } else {
      formState(select).cleared = currentTreeVersion();
    }
  }
  const optionText = (o) => textOf(o).replace(/[\t\n\f\r ]+/g, ' ').replace(/^ | $/g, '');
  extendHTML('HTMLOptionElement', (p) => Object.defineProperties(p, {
    selected: {
      get() { return optionSelected(this); },
      set(v) { setOptionSelected(this, !!v); },
      configurable: true,
      enumerable: true,
    },
    value: {
      get() {
        const v = getAttr(this, 'value');
        return v === null ? optionText(this) : v;
      },
      set(v) { setAttr(this, 'value', v); },
      configurable: true,
      enumerable: true,
    },
    text: {
      get() { return optionText(this); },
      set(v) { setTextContent(this, v); },
      configurable: true,
      enumerable: true,
    },
    label: {
      get() {
        const v = getAttr(this, 'label');
        return v === null ? optionText(this) : v;
      },
      set(v) { setAttr(this, 'label', v); },
      configurable: true,
      enumerable: true,
    },
    index: {
      get() {
        const select = selectOf(this);
        return select === null ? 0 : listOptions(select).indexOf(this);
      },
      configurable: true,
      enumerable: true,
    },
  }));
  extendHTML('HTMLSelectElement', (p) => Object.defineProperties(p, {
    type: {
      get() { return getAttr(this, 'multiple') !== null ? 'select-multiple' : 'select-one'; },
      configurable: true,
      enumerable: true,
    },
    options: {
      get() {
        const x = extra(this);
        if (x.options === undefined) {
          const select = this;
          x.options = liveCollection(this, (el) => isOption(el) && selectOf(el) === select);
        }
        return x.options;
      },
      configurable: true,
      enumerable: true,
    },
    selectedOptions: {
      get() { return staticList(selectedOptions(this)); },
      configurable: true,
      enumerable: true,
    },
    length: { get() { return listOptions(this).length; }, configurable: true, enumerable: true },
    item: {
      value(i) { return listOptions(this)[i >>> 0] || null; },
      configurable: true,
      writable: true,
    },
    namedItem: {
      value(name) { return this.options.namedItem(name); },
      configurable: true,
      writable: true,
    },
    add: {
      value(element, before = null) {
        const ref = typeof before === 'number' ? (listOptions(this)[before] || null) : before;
        if (ref !== null && ref !== undefined) ref[PARENT].insertBefore(element, ref);
        else this.appendChild(element);
      },
      configurable: true,
      writable: true,
    },
    remove: {
      value(...args) {
        if (args.length === 0) {
          if (this[PARENT] !== null) removeNode(this, false);
          return;
        }
        const o = listOptions(this)[args[0] >>> 0];
        if (o !== undefined) removeNode(o, false);
      },
      configurable: true,
      writable: true,
    },
    selectedIndex: {
      get() {
        const sel = selectedOptions(this);
        return sel.length === 0 ? -1 : listOptions(this).indexOf(sel[0]);
      },
      set(i) { selectOnly(this, listOptions(this)[Number(i) | 0]); },
      configurable: true,
      enumerable: true,
    },
    value: {
      get() {
        const sel = selectedOptions(this);
        return sel.length === 0 ? '' : sel[0].value;
      },
      set(v) {
        v = v === null ? '' : String(v);
        selectOnly(this, listOptions(this).find((o) => o.value === v));
      },
      configurable: true,
      enumerable: true,
    },
  }));
  extendHTML('HTMLFormElement', (p) => Object.defineProperties(p, {
    elements: {
      get() {
        const x = extra(this);
        if (x.elements === undefined) {
          const form = this;
          x.elements = liveCollection(this, (el) => el[NSC] === 0 && LISTED.has(el[NAME]) && formOwner(el) === form);
        }
        return x.elements;
      },
      configurable: true,
      enumerable: true,
    },
    length: { get() { return this.elements.length; }, configurable: true, enumerable: true },
    relList: { get() { return tokenListFor(this, 'relList', 'rel'); }, configurable: true, enumerable: true },
    submit: { value() {}, configurable: true, writable: true },
    requestSubmit: {
      value() {
        if (this.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }))) this.submit();
      },
      configurable: true,
      writable: true,
    },
    reset: {
      value() {
        if (!this.dispatchEvent(new Event('reset', { bubbles: true, cancelable: true }))) return;
        for (const el of this.elements) {
          const f = peekForm(el);
          if (f !== undefined) {
            f.checked = f.value = undefined;
            f.dirtyChecked = f.dirtyValue = false;
          }
          if (el[NAME] === 'select') for (const o of listOptions(el)) { const g = peekForm(o); if (g !== undefined) { g.selected = undefined; g.dirtySelected = false; } }
        }
      },
      configurable: true,
      writable: true,
    },
    checkValidity: { value() { return true; }, configurable: true, writable: true },
    reportValidity: { value() { return true; }, configurable: true, writable: true },
  }));
  const LISTED = new Set(['button', 'fieldset', 'input', 'object', 'output', 'select', 'textarea']);

  return { optionSelected };
})
