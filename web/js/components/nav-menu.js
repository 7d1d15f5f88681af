// The main menu. A role with a few pages gets them as a row of links. When that row would
// not fit on one line (an administrator has over thirty pages; a registrar in Bosnian
// about twenty), the links are grouped by their area (reception, centre services,
// returns, administration...): an area with one page stays a link, the others become a
// button that opens the area's links below it (a disclosure: Enter or Space opens it,
// Escape closes it and returns to the button, a click elsewhere closes it). On a phone the
// menu is a list behind the Menu button, so it is never grouped.
import { h } from '../dom.js';
import { t } from '../i18n.js';

// Literal keys (the key-parity test reads them): one per area of NAV in app.js.
const GROUP_LABELS = {
  reception: 'nav.group.reception',
  protection: 'nav.group.protection',
  admin: 'nav.group.admin',
  stats: 'nav.group.stats',
  centres: 'nav.group.centres',
  feedback: 'nav.group.feedback',
  outreach: 'nav.group.outreach',
  interp: 'nav.group.interp',
  returns: 'nav.group.returns',
};

let closeOpen = null; // closes the open area, if any

function link(n, current) {
  return h('a', { href: n.href, 'aria-current': n === current ? 'page' : null }, t(n.key));
}

function flat(items, current) {
  return h('ul', {}, items.map((n) => h('li', {}, link(n, current))));
}

function areasOf(items) {
  const areas = new Map();
  for (const n of items) {
    if (!areas.has(n.group)) areas.set(n.group, []);
    areas.get(n.group).push(n);
  }
  return [...areas];
}

// open: the areas shown as their links rather than behind a button.
function grouped(areas, current, open) {
  return h('ul', { class: 'nav-grouped' }, areas.flatMap(([group, links]) => {
    if (links.length === 1 || open.has(group)) return links.map((n) => h('li', {}, link(n, current)));
    const id = `nav-area-${group}`;
    const list = h('ul', { id, class: 'nav-area', hidden: true }, links.map((n) => h('li', {}, link(n, current))));
    const here = links.includes(current);
    const button = h('button', { type: 'button', class: here ? 'nav-area-button current' : 'nav-area-button',
      'aria-expanded': 'false', 'aria-controls': id }, t(GROUP_LABELS[group] || 'nav.group.more'));
    const close = () => { list.hidden = true; button.setAttribute('aria-expanded', 'false'); if (closeOpen === close) closeOpen = null; };
    button.addEventListener('click', () => {
      const opening = list.hidden;
      closeOpen?.();
      if (!opening) return;
      list.hidden = false;
      button.setAttribute('aria-expanded', 'true');
      closeOpen = close;
    });
    const li = h('li', { class: 'nav-area-item' }, button, list);
    li.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !list.hidden) { close(); button.focus(); }
    });
    li.addEventListener('focusout', (e) => { if (!li.contains(e.relatedTarget) && e.relatedTarget) close(); });
    return li;
  }));
}

let listening = false;
let last = null; // {nav, items, current} of the latest drawing, for a resize

// Fills nav with the items (already filtered by the user's permissions); current is the
// item of the page shown, or undefined.
export function renderNav(nav, items, current) {
  closeOpen = null;
  nav.replaceChildren(flat(items, current));
  const rows = () => new Set([...nav.querySelectorAll(':scope > ul > li')].map((li) => li.offsetTop)).size;
  // On a phone (the width app.css folds the menu at) the list stays flat.
  const phone = window.matchMedia('(max-width: 48rem)').matches;
  if (!phone && nav.offsetParent && rows() > 1) {
    // Grouped, then the areas in menu order shown as their links while the line still
    // holds them (a registrar keeps the desk and search one click away; an administrator's
    // areas stay buttons).
    const areas = areasOf(items);
    const open = new Set();
    nav.replaceChildren(grouped(areas, current, open));
    for (const [group, links] of areas) {
      if (links.length === 1) continue;
      open.add(group);
      nav.replaceChildren(grouped(areas, current, open));
      if (rows() > 1) {
        // Stop at the first area that does not fit, so that the menu keeps one shape
        // (not a smaller area further on opened in one language and not in another).
        open.delete(group);
        nav.replaceChildren(grouped(areas, current, open));
        break;
      }
    }
  }
  if (!listening) {
    listening = true;
    document.addEventListener('click', (e) => { if (closeOpen && !e.target.closest?.('.nav-area-item')) closeOpen(); });
    // Widths change when the web font arrives and when the window does: measure again.
    document.fonts?.ready.then(() => { if (last) renderNav(last.nav, last.items, last.current); });
    let pending = 0;
    window.addEventListener('resize', () => {
      clearTimeout(pending);
      pending = setTimeout(() => { if (last) renderNav(last.nav, last.items, last.current); }, 150);
    });
  }
  last = { nav, items, current };
}
