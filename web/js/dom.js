// Building the page without innerHTML: every piece of data reaches the DOM as text.

// h('a', {href: '/', class: 'x', onclick: fn}, 'text', child, [more]) -> element.
// Attributes starting with "on" become listeners; null/false/undefined are skipped;
// `dataset` sets data-*; `text` is a shortcut for one text child.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'text') el.textContent = String(v);
    else if (k === 'value') el.value = v;
    else if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden' || k === 'required') el[k] = Boolean(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

// Appends strings (as text), nodes and nested arrays; skips null/false.
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// A name that may be written right to left (Arabic, Dari, Pashto) inside a
// left-to-right page: isolated so it neither flips nor is flipped by its neighbours.
export function bdi(text, attrs = {}) {
  return h('bdi', { dir: 'auto', ...attrs }, text ?? '');
}

// "Family, Given" as the registers in the region list people.
export function personName(p) {
  return [p.family_name, p.given_name].filter(Boolean).join(', ');
}

let uid = 0;
// A fresh id for label/aria wiring.
export function newId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

// Calls fn at most once per `ms` of quiet (typing in search boxes and forms).
export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

// Announces a message to screen readers through the page's live region.
export function announce(text) {
  const s = document.getElementById('status');
  if (!s) return;
  s.textContent = '';
  setTimeout(() => { s.textContent = text; }, 30);
}
