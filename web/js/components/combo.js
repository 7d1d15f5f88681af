// A type-ahead picker over a code list (ARIA 1.2 combobox with a listbox popup).
// Typing "afg" offers Afghanistan whatever the page's language: names are matched in
// the page's language, in English and by code, without accents. The first match is
// highlighted, so Tab or Enter takes it: the registrar never needs the mouse.
// multiple: picked items become removable chips (languages).
import { h, newId } from '../dom.js';
import { t } from '../i18n.js';

const MAX_SHOWN = 60;

export function fold(s) {
  return (s || '').normalize('NFD').replace(/\p{M}/gu, '').toLowerCase()
    .replace(/đ/g, 'd').replace(/ł/g, 'l');
}

// items: [{code, name, alt}] (alt: the English name); preferred: codes offered first
// when nothing is typed. Returns {el, input, value, values, set(value), clear()}.
export function combobox({ items, preferred = [], multiple = false, value = multiple ? [] : null, onChange, inputId }) {
  const listId = newId('list');
  const input = h('input', {
    id: inputId || newId('combo'), type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'combo-list', hidden: true });
  const chips = multiple ? h('ul', { class: 'chips', 'aria-label': t('combo.chosen') }) : null;
  const byCode = new Map(items.map((i) => [i.code, i]));
  const folded = items.map((i) => ({ item: i, name: fold(i.name), alt: fold(i.alt), code: i.code.toLowerCase() }));
  let shown = [];
  let active = -1;
  let selected = multiple ? [...value] : value;

  function matches(q) {
    const f = fold(q.trim());
    if (!f) {
      const pref = preferred.map((c) => byCode.get(c)).filter(Boolean);
      const rest = items.filter((i) => !preferred.includes(i.code));
      return [...pref, ...rest];
    }
    const scored = [];
    for (const x of folded) {
      // The best of the ways the text can match; a two-letter code typed in full
      // (af, ps) is meant as that code, a three-letter one may be a name's start.
      let s = 0;
      if (x.code === f) s = f.length <= 2 ? 100 : 75;
      if (x.name.startsWith(f)) s = Math.max(s, 80);
      else if (x.alt.startsWith(f)) s = Math.max(s, 70);
      else if (x.name.split(/[\s\-(),]+/).some((w) => w.startsWith(f))) s = Math.max(s, 60);
      else if (x.alt.split(/[\s\-(),]+/).some((w) => w.startsWith(f))) s = Math.max(s, 50);
      else if (f.length >= 3 && (x.name.includes(f) || x.alt.includes(f))) s = Math.max(s, 20);
      if (s) {
        if (preferred.includes(x.item.code)) s += 5;
        scored.push([s, x.item]);
      }
    }
    return scored.sort((a, b) => b[0] - a[0]).map((x) => x[1]);
  }

  function open(q) {
    const pool = matches(q).filter((i) => !(multiple && selected.includes(i.code)));
    shown = pool.slice(0, MAX_SHOWN);
    active = shown.length && q.trim() ? 0 : -1;
    list.replaceChildren(...shown.map((item, i) => h('li', {
      id: `${listId}-${i}`, role: 'option', 'aria-selected': i === active ? 'true' : 'false',
      onmousedown: (e) => { e.preventDefault(); choose(item); },
    }, item.name, h('span', { class: 'code' }, item.code.length <= 3 ? item.code : ''))));
    if (!shown.length) list.append(h('li', { role: 'option', 'aria-disabled': 'true', 'aria-selected': 'false' }, t('combo.none')));
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    mark();
  }

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function mark() {
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', i === active ? 'true' : 'false'));
    if (active >= 0) {
      input.setAttribute('aria-activedescendant', `${listId}-${active}`);
      list.children[active]?.scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function renderChips() {
    if (!multiple) return;
    chips.replaceChildren(...selected.map((code) => {
      const name = byCode.get(code)?.name || code;
      return h('li', { class: 'chip' }, name, h('button', {
        type: 'button', 'aria-label': t('combo.remove', { name }),
        onclick: () => { selected = selected.filter((c) => c !== code); renderChips(); input.focus(); changed(); },
      }, '×'));
    }));
  }

  function changed() { if (onChange) onChange(api.value); }

  function choose(item) {
    if (multiple) {
      if (!selected.includes(item.code)) selected = [...selected, item.code];
      input.value = '';
      renderChips();
      close();
    } else {
      selected = item.code;
      input.value = item.name;
      close();
    }
    changed();
  }

  input.addEventListener('input', () => {
    if (!multiple && selected) { selected = null; changed(); }
    open(input.value);
  });
  input.addEventListener('focus', () => { if (multiple || !selected) open(input.value); });
  input.addEventListener('blur', () => {
    // A single pick left half-typed keeps the best match rather than nothing.
    if (!multiple && !selected && input.value.trim() && shown.length && active >= 0) choose(shown[active]);
    close();
  });
  input.addEventListener('keydown', (e) => {
    const isOpen = !list.hidden;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!isOpen) open(input.value);
      else { active = Math.min(shown.length - 1, active + 1); mark(); }
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (isOpen) { active = Math.max(0, active - 1); mark(); }
    } else if (e.key === 'Enter') {
      if (isOpen && active >= 0) { e.preventDefault(); choose(shown[active]); }
    } else if (e.key === 'Tab') {
      if (isOpen && active >= 0 && input.value.trim()) choose(shown[active]);
      else close();
    } else if (e.key === 'Escape') {
      if (isOpen) { e.preventDefault(); e.stopPropagation(); close(); }
    } else if (e.key === 'Backspace' && multiple && !input.value && selected.length) {
      selected = selected.slice(0, -1);
      renderChips();
      changed();
    }
  });

  const api = {
    el: h('div', { class: 'combo' }, chips, input, list),
    input,
    get value() { return multiple ? [...selected] : selected; },
    set(v) {
      selected = multiple ? [...(v || [])] : v;
      input.value = multiple || !v ? '' : (byCode.get(v)?.name || v);
      renderChips();
    },
    clear() { api.set(multiple ? [] : null); },
  };
  api.set(selected);
  return api;
}
