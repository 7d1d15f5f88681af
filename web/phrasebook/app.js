// The phrasebook (served at /phrasebook/): first-contact sentences by topic in the
// language of the person in front of the officer, shown in its own script and direction,
// spoken where espeak-ng has a voice, with an "I speak ..." card to find the language.
// It works offline after the first visit: its service worker (/phrasebook/sw.js, on the
// shared core web/js/sw-core.js) keeps the page, the catalogue and the audio of the
// chosen language. The catalogue is fetched from the network first, so an edit made by
// an administrator arrives at the next visit with a network.
import { get, patch, ApiError } from '/js/api.js';
import { h } from '/js/dom.js';
import { registerServiceWorker } from '/js/offline.js';

const UI_LANGUAGES = ['en', 'bs', 'sr-Cyrl'];
const CATALOGUE = '/api/v1/phrasebook';
const CACHE = 'haven-phrasebook-v1'; // the worker's cache (web/phrasebook/sw.js)
const PREFETCH_AT_ONCE = 2;

const state = {
  ui: UI_LANGUAGES.includes(localStorage.getItem('haven.locale')) ? localStorage.getItem('haven.locale') : 'en',
  lang: localStorage.getItem('haven.phrasebook.lang') || 'ar',
  topic: localStorage.getItem('haven.phrasebook.topic') || 'greeting',
  cat: null,
  canEdit: false,
  editing: null, // sentence id whose text is being edited
  audio: { done: 0, total: 0 },
};
let messages = {};
let english = {};

function t(key, vars) {
  let s = messages[key] ?? english[key] ?? key;
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] !== undefined ? String(vars[k]) : m));
  return s;
}

async function loadMessages(code) {
  const load = async (c) => (await fetch(`/i18n/phrasebook/${c}.json`, { credentials: 'same-origin' })).json();
  if (!Object.keys(english).length) english = await load('en');
  messages = code === 'en' ? english : await load(code);
  document.documentElement.lang = code;
  document.title = `${t('pb.title')} · Haven`;
  for (const [id, key] of [['title', 'pb.title'], ['skip', 'pb.skip'], ['back', 'pb.back'], ['ui-lang-label', 'pb.ui_language']]) {
    document.getElementById(id).textContent = t(key);
  }
}

function say(text) {
  const live = document.getElementById('live');
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 30);
}

const language = (code) => state.cat.languages.find((l) => l.code === code) || state.cat.languages[0];
// The staff's side of a sentence: the interface language's text (English as fallback).
const mine = (s) => (s.texts[state.ui] || s.texts.en).text;

function statusBadge(text) {
  if (text.status === 'reviewed') return h('span', { class: 'pb-badge pb-reviewed' }, t('pb.status.reviewed', { reviewer: text.reviewer }));
  if (text.status === 'source') return h('span', { class: 'pb-badge pb-source' }, t('pb.status.source'));
  return h('span', { class: 'pb-badge pb-draft' }, t('pb.status.draft'));
}

function play(button, url) {
  const audio = new Audio(url);
  button.dataset.state = 'loading';
  audio.addEventListener('playing', () => { button.dataset.state = 'playing'; });
  audio.addEventListener('ended', () => { button.dataset.state = 'ended'; });
  audio.addEventListener('error', () => { button.dataset.state = 'error'; say(t('pb.audio_failed')); });
  audio.play().catch(() => { button.dataset.state = 'error'; say(t('pb.audio_failed')); });
}

function iSpeakCard() {
  return h('section', { class: 'pb-ispeak', 'aria-labelledby': 'ispeak-title' },
    h('h2', { id: 'ispeak-title' }, t('pb.i_speak')),
    h('p', { class: 'pb-help' }, t('pb.i_speak_help')),
    h('ul', { class: 'pb-ispeak-list' }, state.cat.languages.map((l) => h('li', {},
      h('button', {
        type: 'button', class: 'pb-ispeak-choice', lang: l.code, dir: l.dir, dataset: { lang: l.code },
        'aria-pressed': String(l.code === state.lang),
        onclick: () => choose(l.code),
      }, h('span', { class: 'pb-ispeak-text' }, l.i_speak), h('span', { class: 'pb-ispeak-name' }, l.native))))));
}

function controls() {
  const select = h('select', { id: 'target', onchange: (e) => choose(e.target.value) },
    state.cat.languages.map((l) => h('option', { value: l.code, lang: l.code, selected: l.code === state.lang }, `${l.native} · ${l.name}`)));
  const topics = h('div', { class: 'pb-topics', role: 'group', 'aria-labelledby': 'topics-title' },
    state.cat.topics.map((tp) => h('button', {
      type: 'button', class: 'pb-topic', dataset: { topic: tp.code }, 'aria-pressed': String(tp.code === state.topic),
      onclick: () => { state.topic = tp.code; localStorage.setItem('haven.phrasebook.topic', tp.code); render(); },
    }, tp[state.ui === 'sr-Cyrl' ? 'sr' : state.ui] || tp.en)));
  const cards = h('a', { class: 'pb-cards', href: `/api/v1/phrasebook/cards?lang=${encodeURIComponent(state.lang)}&topic=${encodeURIComponent(state.topic)}`, target: '_blank', rel: 'noopener' }, t('pb.cards'));
  return h('div', { class: 'pb-controls' },
    h('div', { class: 'pb-field' }, h('label', { for: 'target' }, t('pb.language')), select),
    h('h2', { id: 'topics-title', class: 'pb-topics-title' }, t('pb.topics')), topics, cards);
}

function editForm(s, lang) {
  const text = s.texts[lang.code];
  const status = h('select', { id: 'edit-status' },
    h('option', { value: 'draft', selected: text.status !== 'reviewed' }, t('pb.status.draft')),
    h('option', { value: 'reviewed', selected: text.status === 'reviewed' }, t('pb.status.reviewed', { reviewer: '…' })));
  const input = h('input', { id: 'edit-text', type: 'text', value: text.text, lang: lang.code, dir: lang.dir, maxlength: '400' });
  const reviewer = h('input', { id: 'edit-reviewer', type: 'text', value: text.reviewer || '', maxlength: '120' });
  const error = h('p', { class: 'pb-error', role: 'alert' });
  const form = h('form', { class: 'pb-edit', 'aria-label': t('pb.edit_title', { lang: lang.native }) },
    h('div', { class: 'pb-field' }, h('label', { for: 'edit-text' }, t('pb.text')), input),
    h('div', { class: 'pb-field' }, h('label', { for: 'edit-status' }, t('pb.status')), status),
    h('div', { class: 'pb-field' }, h('label', { for: 'edit-reviewer' }, t('pb.reviewer')), reviewer),
    error,
    h('div', { class: 'pb-actions' },
      h('button', { type: 'submit' }, t('pb.save')),
      h('button', { type: 'button', onclick: () => { state.editing = null; render(); focusEditButton(s.id); } }, t('pb.cancel'))));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {};
    if (input.value !== text.text) body.text = input.value;
    if (status.value === 'reviewed') Object.assign(body, { status: 'reviewed', reviewer: reviewer.value.trim() });
    else if (text.status === 'reviewed' || !body.text) body.status = 'draft';
    try {
      await patch(`/api/v1/phrasebook/sentences/${encodeURIComponent(s.id)}/texts/${encodeURIComponent(lang.code)}`, body);
      state.editing = null;
      await loadCatalogue();
      render();
      focusEditButton(s.id);
      say(t('pb.saved'));
    } catch (err) {
      // The server's message keys: errors.key.* in this bundle, pb.errors.* for the core's.
      const k = err instanceof ApiError && err.key ? err.key : null;
      const key = k && [`errors.key.${k}`, `pb.errors.${k}`].find((c) => c in english);
      error.textContent = t('pb.error', { message: key ? t(key, err.params) : err.message });
    }
  });
  return form;
}

function focusEditButton(id) {
  const button = document.querySelector(`.pb-sentence[data-id="${CSS.escape(id)}"] .pb-edit-open`);
  if (button) button.focus();
}

function sentenceItem(s, lang) {
  const theirs = s.texts[lang.code];
  if (!theirs) return null;
  const tools = [statusBadge(theirs)];
  if (theirs.audio) {
    const button = h('button', { type: 'button', class: 'pb-play', 'aria-label': t('pb.play_label', { lang: lang.name }) }, `▶ ${t('pb.play')}`);
    button.addEventListener('click', () => play(button, theirs.audio));
    tools.push(button);
  }
  if (state.canEdit) {
    tools.push(h('button', { type: 'button', class: 'pb-edit-open', onclick: () => { state.editing = s.id; render(); } }, t('pb.edit')));
  }
  return h('li', { class: 'pb-sentence', dataset: { id: s.id } },
    h('p', { class: 'pb-mine' }, mine(s)),
    h('p', { class: 'pb-theirs', lang: lang.code, dir: lang.dir }, theirs.text),
    h('div', { class: 'pb-meta' }, tools),
    state.editing === s.id ? editForm(s, lang) : null);
}

function render() {
  const main = document.getElementById('main');
  const lang = language(state.lang);
  const list = state.cat.sentences.filter((s) => s.topic === state.topic);
  const focused = focusKey(document.activeElement);
  main.replaceChildren(...[
    h('p', { class: 'pb-drafts', role: 'note' }, t('pb.drafts')),
    navigator.onLine ? null : h('p', { class: 'pb-note', id: 'offline-note' }, t('pb.offline')),
    iSpeakCard(),
    controls(),
    h('section', { id: 'sentences', tabindex: '-1', 'aria-labelledby': 'sentences-title' },
      h('h2', { id: 'sentences-title' }, t('pb.sentences')),
      lang.voice ? null : h('p', { class: 'pb-note pb-novoice' }, t('pb.no_voice', { lang: lang.name })),
      h('ol', { class: 'pb-list' }, list.map((s) => sentenceItem(s, lang)))),
    h('footer', { class: 'pb-footer' },
      h('p', { id: 'audio-kept' }, lang.voice ? t('pb.audio_kept', state.audio) : t('pb.audio_none')),
      h('p', {}, t('pb.version', { version: state.cat.version }))),
  ].filter(Boolean));
  // Keyboard users keep their place across a redraw; the edit form takes the focus.
  const target = state.editing ? document.getElementById('edit-text') : focused && main.querySelector(focused);
  if (target) target.focus();
}

// A selector that finds the focused control again after a redraw (null: none).
function focusKey(el) {
  if (!el || el === document.body) return null;
  if (el.id) return `#${CSS.escape(el.id)}`;
  if (el.dataset.topic) return `.pb-topic[data-topic="${CSS.escape(el.dataset.topic)}"]`;
  if (el.dataset.lang) return `.pb-ispeak-choice[data-lang="${CSS.escape(el.dataset.lang)}"]`;
  const item = el.closest('.pb-sentence');
  if (item && el.classList.contains('pb-edit-open')) return `.pb-sentence[data-id="${CSS.escape(item.dataset.id)}"] .pb-edit-open`;
  return null;
}

function choose(code) {
  state.lang = code;
  localStorage.setItem('haven.phrasebook.lang', code);
  render();
  keepAudio();
}

async function loadCatalogue() {
  state.cat = await get(CATALOGUE);
  if (!state.cat.languages.some((l) => l.code === state.lang)) state.lang = 'ar';
  if (!state.cat.topics.some((tp) => tp.code === state.topic)) state.topic = state.cat.topics[0].code;
}

// Fetches (through the worker, which keeps them) the audio of the chosen language, two
// at a time, and forgets audio of texts that changed since it was kept.
let keeping = 0;
async function keepAudio() {
  const run = ++keeping;
  const lang = language(state.lang);
  const urls = state.cat.sentences.map((s) => s.texts[lang.code]?.audio).filter(Boolean);
  state.audio = { done: 0, total: urls.length };
  const show = () => { const p = document.getElementById('audio-kept'); if (p && lang.voice) p.textContent = t('pb.audio_kept', state.audio); };
  show();
  if (!('serviceWorker' in navigator) || !navigator.serviceWorker.controller) return;
  await forgetOldAudio();
  // A busy server (503) or a dropped connection is tried again later, up to five times
  // over about fifteen seconds (0.5, 1, 2, 4, 8 s apart), so that a slow moment does not
  // leave the phone without a sentence's audio.
  const queue = urls.map((url) => ({ url, tries: 0 }));
  const worker = async () => {
    while (queue.length && run === keeping) {
      const item = queue.shift();
      let ok = false;
      try {
        const res = await fetch(item.url, { credentials: 'same-origin' });
        if (res.ok) { await res.arrayBuffer(); ok = true; state.audio.done += 1; show(); }
      } catch {
        // offline: what is kept stays kept
        if (navigator.onLine === false) return;
      }
      if (!ok && ++item.tries < 6) {
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (item.tries - 1)));
        queue.push(item);
      }
    }
  };
  await Promise.all(Array.from({ length: PREFETCH_AT_ONCE }, worker));
  // Offline, count what the cache holds.
  if (run === keeping && state.audio.done < urls.length && 'caches' in window) {
    const cache = await caches.open(CACHE);
    let kept = 0;
    for (const url of urls) if (await cache.match(url)) kept += 1;
    state.audio.done = kept;
    show();
  }
}

async function forgetOldAudio() {
  if (!('caches' in window)) return;
  const current = new Set();
  for (const s of state.cat.sentences) for (const text of Object.values(s.texts)) if (text.audio) current.add(text.audio);
  const cache = await caches.open(CACHE);
  for (const request of await cache.keys()) {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/api/v1/phrasebook/audio/') && !current.has(url.pathname + url.search)) await cache.delete(request);
  }
}

async function waitForController(ms) {
  if (!('serviceWorker' in navigator)) return false;
  if (navigator.serviceWorker.controller) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    navigator.serviceWorker.addEventListener('controllerchange', () => { clearTimeout(timer); resolve(true); }, { once: true });
  });
}

async function start() {
  const select = document.getElementById('ui-lang');
  select.value = state.ui;
  select.addEventListener('change', async () => {
    state.ui = select.value;
    localStorage.setItem('haven.locale', state.ui);
    await loadMessages(state.ui);
    if (state.cat) render();
  });
  await loadMessages(state.ui);
  const boot = document.getElementById('boot');
  boot.textContent = t('pb.loading');
  try {
    await loadCatalogue();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      boot.replaceChildren(t('pb.login_needed'), ' ', h('a', { href: '/login' }, t('pb.login')));
    } else {
      boot.textContent = t('pb.unreachable');
    }
    return;
  }
  render();
  get('/api/v1/me').then((me) => {
    state.canEdit = Boolean(me && me.permissions && me.permissions.includes('phrasebook.edit'));
    if (state.canEdit) render();
  }).catch(() => {});
  const i18n = UI_LANGUAGES.map((c) => `/i18n/phrasebook/${c}.json`);
  await registerServiceWorker('/phrasebook/sw.js', '/phrasebook/', ['/phrasebook/', CATALOGUE, ...i18n]);
  // The audio is kept once the worker controls the page, however long that takes.
  if (await waitForController(10000)) keepAudio();
  else if ('serviceWorker' in navigator) navigator.serviceWorker.addEventListener('controllerchange', () => keepAudio(), { once: true });
}

window.addEventListener('online', () => { if (state.cat) render(); });
window.addEventListener('offline', () => { if (state.cat) render(); });
start();
