// On a person's profile: what proves who they are at the desk. Their photo (taken with
// the phone's or laptop's camera, or chosen from a file), their identity documents
// (recorded as seen, removable when recorded by mistake) and their registration card
// (a card-sized PDF whose QR code holds a reference of that card only; printing a new
// one makes the earlier cards' codes stop working).
import { h, personName, announce } from '../dom.js';
import { get, post, del, ApiError } from '../api.js';
import { t, fmtDate, fmtDateTime, codeList, codeName, tOf } from '../i18n.js';
import { KEYS } from '../keys.js';
import { field, select, showErrors, clearErrors, clearErrorsOnEdit, busy, errorMessage, dateInput, dateValue } from '../forms.js';
import { cameraAvailable, startCamera, stopCamera, grabFrame, cameraErrorKey } from './camera.js';
import { readQr, qrReaderReady } from './qr-reader.js';

const TYPES = ['passport', 'national_id', 'asylum_seeker_card', 'travel_document', 'residence_permit',
  'birth_certificate', 'driving_licence', 'other'];
// A phone's camera takes 12 megapixels; a face at the desk needs far fewer. The photo
// is drawn again at this size before it is sent (which also drops the camera's EXIF;
// the server removes any metadata left either way).
const PHOTO_EDGE = 960;

async function shrink(file) {
  try {
    const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
    const scale = Math.min(1, PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
    const canvas = h('canvas', { width: Math.round(bitmap.width * scale), height: Math.round(bitmap.height * scale) });
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    return await new Promise((resolve) => canvas.toBlob((b) => resolve(b || file), 'image/jpeg', 0.85));
  } catch {
    return file; // not an image the browser can draw: the server says what is wrong
  }
}

// A request whose body or answer is not JSON (a photo up, a card's PDF down); errors
// as the API's other calls raise them.
async function rawRequest(method, url, body) {
  let res;
  try {
    res = await fetch(url, { method, body, credentials: 'same-origin',
      headers: body ? { 'Content-Type': 'application/octet-stream', Accept: '*/*' } : { Accept: '*/*' } });
  } catch {
    throw new ApiError(0, 'network', 'The Haven server cannot be reached.', null);
  }
  if (!res.ok) {
    const json = await res.json().catch(() => null);
    const e = (json && json.error) || {};
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.message || res.statusText, e.field, e.key, e.params);
  }
  return res;
}

async function upload(url, blob) {
  return (await rawRequest('PUT', url, blob)).json().catch(() => null);
}

// The camera inside the page, for a photo taken at the desk: a live picture, "Take the
// photo" and "Cancel". onPhoto receives the JPEG.
function cameraPanel({ onPhoto, onClose }) {
  const video = h('video', { id: 'camera-video', class: 'camera-video', 'aria-label': t('camera.live') });
  const problem = h('p', { class: 'form-error', role: 'alert', id: 'camera-error', hidden: true });
  const take = h('button', { type: 'button', class: 'btn-primary', id: 'camera-take', disabled: true }, t('camera.take'));
  const cancel = h('button', { type: 'button', class: 'btn', id: 'camera-cancel' }, t('common.cancel'));
  const panel = h('div', { class: 'camera-panel', id: 'camera-panel' }, video, problem, h('div', { class: 'actions' }, take, cancel));
  const close = () => { stopCamera(video); panel.remove(); onClose(); };
  cancel.addEventListener('click', close);
  take.addEventListener('click', async () => {
    const canvas = grabFrame(video, PHOTO_EDGE);
    if (!canvas) return;
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    stopCamera(video);
    panel.remove();
    await onPhoto(blob);
  });
  startCamera(video, { facing: 'user' }).then(() => { take.disabled = false; take.focus(); }, (err) => {
    problem.textContent = t(cameraErrorKey(err));
    problem.hidden = false;
    cancel.focus();
  });
  return panel;
}

// Returns the section (a card) for the profile; person() gives the profile shown now.
export async function identityEvidence({ person, app }) {
  const base = () => `/api/v1/persons/${encodeURIComponent(person().id)}`;
  const canWrite = app.can('person.write');
  const countries = await codeList('countries');
  const photoBox = h('div', { class: 'id-photo', id: 'person-photo' });
  const docList = h('div', { id: 'document-list' });
  const section = h('section', { class: 'card identity-evidence', 'aria-labelledby': 'idev-h', id: 'identity-evidence' },
    h('h2', { id: 'idev-h' }, t('idoc.title')));

  // ---- the photo ----
  async function showPhoto() {
    let info = null;
    try { info = await get(`${base()}/photo/info`); } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
    }
    const parts = [];
    if (info) {
      parts.push(h('img', { src: `${base()}/photo?v=${encodeURIComponent(info.updated_at)}`, id: 'photo-img',
        alt: t('idoc.photo_alt', { name: personName(person()) }), width: 160 }));
    } else {
      parts.push(h('p', { class: 'hint', id: 'no-photo' }, t('idoc.no_photo')));
    }
    if (canWrite) {
      const input = h('input', { type: 'file', accept: 'image/*', capture: 'user', id: 'photo-file' });
      const problem = h('p', { class: 'form-error', role: 'alert', id: 'photo-error', hidden: true });
      const send = async (blob) => {
        problem.hidden = true;
        try {
          await upload(`${base()}/photo`, blob);
          announce(t('idoc.photo_saved'));
          await showPhoto();
          photoBox.querySelector('#photo-file')?.focus();
        } catch (e) {
          if (!(e instanceof ApiError) || e.status === 401) throw e;
          problem.textContent = errorMessage(e, 'idoc');
          problem.hidden = false;
        }
      };
      input.addEventListener('change', async () => {
        const file = input.files?.[0];
        if (file) await send(await shrink(file));
      });
      parts.push(field({ label: info ? t('idoc.photo_replace') : t('idoc.photo_take'), input, hint: t('idoc.photo_hint'), name: 'photo' }), problem);
      // A laptop at the desk has a camera but no camera picker in its file dialog.
      if (cameraAvailable()) {
        const open = h('button', { type: 'button', class: 'btn', id: 'photo-camera' }, t('camera.open_photo'));
        open.addEventListener('click', () => {
          open.hidden = true;
          open.after(cameraPanel({ onPhoto: send, onClose: () => { open.hidden = false; open.focus(); } }));
        });
        parts.push(open);
      }
      if (info) {
        parts.push(h('button', { type: 'button', class: 'btn', id: 'photo-remove', onclick: async () => {
          await del(`${base()}/photo`);
          announce(t('idoc.photo_removed'));
          await showPhoto();
          photoBox.querySelector('#photo-file')?.focus();
        } }, t('idoc.photo_remove')));
      }
    }
    photoBox.replaceChildren(h('h3', {}, t('idoc.photo')), ...parts);
  }

  // ---- the documents ----
  async function showDocuments() {
    const { items } = await get(`${base()}/documents`);
    if (!items.length) {
      docList.replaceChildren(h('p', { class: 'hint', id: 'no-documents' }, t('idoc.none')));
      return;
    }
    docList.replaceChildren(h('ul', { class: 'doc-list', id: 'documents' }, items.map((d) => h('li', { class: 'doc-item' },
      h('strong', {}, tOf(KEYS.IDOC_TYPE, d.type)), ' ',
      h('span', { class: 'doc-number', dir: 'ltr' }, d.number_display),
      d.country ? ` · ${codeName('countries', d.country)}` : '',
      d.expiry ? [' · ', t('idoc.expires', { date: fmtDate(d.expiry) })] : '',
      d.expired ? [' ', h('span', { class: 'badge badge-warn' }, t('idoc.expired'))] : '',
      h('br'), h('span', { class: 'hint' }, t('idoc.seen', { who: d.seen_by, when: fmtDateTime(d.seen_at) })),
      canWrite ? [' ', h('button', { type: 'button', class: 'btn btn-small', 'aria-label': t('idoc.remove_label', { number: d.number_display }),
        onclick: async () => {
          await del(`${base()}/documents/${encodeURIComponent(d.id)}`);
          announce(t('idoc.removed'));
          await showDocuments();
          section.querySelector('#doc-number')?.focus();
        } }, t('idoc.remove'))] : null))));
  }

  function documentForm() {
    const type = select(TYPES.map((v) => ({ value: v, label: tOf(KEYS.IDOC_TYPE, v) })), 'passport', { id: 'doc-type' });
    const number = h('input', { id: 'doc-number', autocomplete: 'off', spellcheck: 'false', dir: 'ltr', maxlength: 60 });
    const country = select([{ value: '', label: t('idoc.country_unknown') }, ...countries.map((c) => ({ value: c.code, label: c.name }))],
      person().citizenship && countries.some((c) => c.code === person().citizenship) ? person().citizenship : '', { id: 'doc-country' });
    const expiry = dateInput({ id: 'doc-expiry' });
    const save = h('button', { type: 'submit', class: 'btn-primary', id: 'doc-save' }, t('idoc.add'));
    const form = h('form', { novalidate: true, id: 'document-form' }, h('h3', {}, t('idoc.add_title')),
      h('div', { class: 'form-row' }, field({ label: t('idoc.type_label'), input: type, name: 'type' }),
        field({ label: t('idoc.number'), input: number, name: 'number', hint: t('idoc.number_hint') })),
      h('div', { class: 'form-row' }, field({ label: t('idoc.country'), input: country, name: 'country' }),
        field({ label: t('idoc.expiry'), input: expiry, name: 'expiry' })), save);
    clearErrorsOnEdit(form);
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearErrors(form);
      await busy(save, async () => {
        try {
          const body = { type: type.value, number: number.value };
          if (country.value) body.country = country.value;
          if (dateValue(expiry)) body.expiry = dateValue(expiry);
          await post(`${base()}/documents`, body);
          number.value = '';
          expiry.value = '';
          announce(t('idoc.added'));
          await showDocuments();
          number.focus();
        } catch (err) {
          if (!(err instanceof ApiError) || err.status === 401) throw err;
          showErrors(form, err, 'idoc');
        }
      });
    });
    return form;
  }

  // ---- the card ----
  // Each print is a new card (a lost one replaced): its PDF opens in a new tab to print.
  const cardProblem = h('p', { class: 'form-error', role: 'alert', id: 'card-error', hidden: true });
  const cardDone = h('p', { class: 'notice', id: 'card-done', hidden: true });
  const printCard = h('button', { type: 'button', class: 'btn', id: 'card-print' }, t('idoc.card_print'));
  printCard.addEventListener('click', () => busy(printCard, async () => {
    cardProblem.hidden = true;
    // Opened now, while the click counts as the user's, and filled when the PDF is here.
    const tab = window.open('', '_blank');
    try {
      const pdf = await (await rawRequest('POST', `${base()}/card`)).blob();
      const url = URL.createObjectURL(pdf);
      if (tab) tab.location.href = url; else window.location.assign(url);
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      cardDone.textContent = t('idoc.card_printed');
      cardDone.hidden = false;
      announce(t('idoc.card_printed'));
    } catch (e) {
      tab?.close();
      if (!(e instanceof ApiError) || e.status === 401) throw e;
      cardProblem.textContent = errorMessage(e, 'idoc');
      cardProblem.hidden = false;
    }
  }));
  const card = h('div', { class: 'id-card' }, h('h3', {}, t('idoc.card')), h('p', { class: 'hint' }, t('idoc.card_hint')),
    canWrite ? [printCard, cardDone, cardProblem] : null);

  const docs = h('div', { class: 'id-docs' }, h('h3', {}, t('idoc.documents')), docList, canWrite ? documentForm() : null);
  section.append(h('div', { class: 'id-evidence-grid' }, photoBox, docs), card);
  await Promise.all([showPhoto(), showDocuments()]);
  return section;
}

// The desk's scan field: a QR scanner acting as a keyboard types the registration
// number and Enter; so does a registrar reading the card.
export function cardScanForm({ go }) {
  const input = h('input', { id: 'scan-reg-no', autocomplete: 'off', spellcheck: 'false', dir: 'ltr', autofocus: true,
    inputmode: 'text', placeholder: 'LIP-23-004512' });
  const submit = h('button', { type: 'submit', class: 'btn-primary', id: 'scan-submit' }, t('idoc.scan_open'));
  const form = h('form', { novalidate: true, id: 'scan-form' },
    field({ label: t('idoc.scan_label'), input, name: 'reg_no', hint: t('idoc.scan_hint') }), submit);
  clearErrorsOnEdit(form);
  if (cameraAvailable()) form.append(cameraScanner({ onCode: (text) => { input.value = text; form.requestSubmit(); } }));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(form);
    await busy(submit, async () => {
      try {
        const r = await get(`/api/v1/cards?reg_no=${encodeURIComponent(input.value)}`);
        go(`/persons/${encodeURIComponent(r.person_id)}`);
      } catch (err) {
        if (!(err instanceof ApiError) || err.status === 401) throw err;
        showErrors(form, err, 'idoc');
        input.select();
      }
    });
  });
  return { form, input };
}

// Scanning with the device's own camera (a phone's back camera, a laptop's): the picture
// is read a few times a second until a QR code is found; the code goes to onCode.
function cameraScanner({ onCode }) {
  const video = h('video', { id: 'scan-video', class: 'camera-video', 'aria-label': t('camera.live') });
  const status = h('p', { class: 'hint', id: 'scan-status', 'aria-live': 'polite' });
  const stop = h('button', { type: 'button', class: 'btn', id: 'scan-camera-stop' }, t('camera.stop'));
  const area = h('div', { class: 'camera-panel', id: 'scan-camera', hidden: true }, video, status, stop);
  const start = h('button', { type: 'button', class: 'btn', id: 'scan-camera' }, t('camera.open_scan'));
  let running = false;
  const end = () => { running = false; stopCamera(video); area.hidden = true; start.hidden = false; };
  stop.addEventListener('click', () => { end(); start.focus(); });
  start.addEventListener('click', async () => {
    start.hidden = true;
    area.hidden = false;
    status.textContent = t('camera.starting');
    try {
      if (!(await qrReaderReady())) throw Object.assign(new Error('no reader'), { name: 'ReaderMissing' });
      await startCamera(video, { facing: 'environment' });
    } catch (err) {
      stopCamera(video);
      status.textContent = t(err.name === 'ReaderMissing' ? 'camera.no_reader' : cameraErrorKey(err));
      stop.focus();
      return;
    }
    status.textContent = t('camera.hold_card');
    stop.focus();
    running = true;
    while (running && video.isConnected) {
      const text = await readQr(grabFrame(video, 960)).catch(() => null);
      if (!running) break;
      if (text) {
        end();
        onCode(text.trim());
        return;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    stopCamera(video);
  });
  return h('div', { class: 'scan-camera' }, start, area);
}
