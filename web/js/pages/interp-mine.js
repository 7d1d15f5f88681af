// An interpreter's own assignments, to confirm or decline, and the secret address of
// their calendar for a phone.
import { h, announce } from '../dom.js';
import { get, post, del, ApiError } from '../api.js';
import { t, fmtDateTime, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { busy } from '../forms.js';
import { table } from '../components/centres-common.js';

export default async function render({ root, app }) {
  app.setTitle(t('interp.mine.title'));
  root.append(h('h1', {}, t('interp.mine.title')));
  let mine;
  try {
    mine = await get('/api/v1/interp/my/assignments');
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      root.append(h('p', { id: 'interp-not-linked' }, t('interp.mine.not_linked')));
      return;
    }
    throw err;
  }
  const listBox = h('div');
  async function answer(a, status, button) {
    await busy(button, async () => {
      await post(`/api/v1/interp/my/assignments/${encodeURIComponent(a.id)}/answer`, { status });
      announce(t(status === 'confirmed' ? 'interp.mine.confirmed' : 'interp.mine.declined'));
      mine = await get('/api/v1/interp/my/assignments');
      draw();
    });
  }
  function draw() {
    listBox.replaceChildren(table('interp-mine', t('interp.mine.title'), [
      { key: 'interp.mine.when', cell: (a) => `${fmtDateTime(a.starts_at)} – ${fmtDateTime(a.ends_at)}` },
      { key: 'interp.site', cell: (a) => a.site_name },
      { key: 'interp.language', cell: (a) => a.language },
      { key: 'interp.kind', cell: (a) => tOf(KEYS.INTERP_KIND, a.kind) },
      { key: 'interp.modes', cell: (a) => tOf(KEYS.INTERP_MODE, a.mode) },
      { key: 'interp.status_col', cell: (a) => tOf(KEYS.INTERP_ASTATUS, a.status) },
      { key: 'interp.assignment', cell: (a) => {
        if (a.status === 'confirmed') return '';
        const yes = h('button', { type: 'button', class: 'btn-primary', dataset: { confirm: a.id } }, t('interp.mine.confirm'));
        const no = h('button', { type: 'button', dataset: { decline: a.id } }, t('interp.mine.decline'));
        yes.addEventListener('click', () => answer(a, 'confirmed', yes));
        no.addEventListener('click', () => answer(a, 'declined', no));
        return h('span', { class: 'actions' }, yes, ' ', no);
      } },
    ], mine.items, t('interp.mine.none')));
  }
  draw();

  const urlBox = h('div', { 'aria-live': 'polite' });
  const make = h('button', { type: 'button', id: 'feed-make' }, t('interp.feed.make'));
  const revoke = h('button', { type: 'button', id: 'feed-revoke' }, t('interp.feed.revoke'));
  make.addEventListener('click', () => busy(make, async () => {
    const r = await post('/api/v1/interp/my/feed');
    const url = new URL(r.path, location.origin).href;
    const input = h('input', { type: 'text', id: 'feed-url', readonly: true, value: url, size: 60 });
    urlBox.replaceChildren(h('label', { for: 'feed-url' }, t('interp.feed.url')), ' ', input);
    make.textContent = t('interp.feed.remake');
  }));
  revoke.addEventListener('click', () => busy(revoke, async () => {
    await del('/api/v1/interp/my/feed');
    urlBox.replaceChildren(h('p', { id: 'feed-revoked' }, t('interp.feed.revoked')));
    announce(t('interp.feed.revoked'));
  }));
  root.append(
    h('section', { class: 'card', 'aria-labelledby': 'mine-h' }, h('h2', { id: 'mine-h', class: 'visually-hidden' }, t('interp.mine.title')), listBox),
    h('section', { class: 'card', 'aria-labelledby': 'feed-h' }, h('h2', { id: 'feed-h' }, t('interp.feed.title')),
      h('p', {}, t('interp.feed.text')), h('div', { class: 'actions' }, make, ' ', revoke), urlBox));
}
