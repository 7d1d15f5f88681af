// Identity at the desk (issue 11): identity documents (validated, need to know, found by
// number, a shared passport number makes two records candidates), photos (type by
// bytes, metadata removed, size-limited, only for who may see the person) and
// registration cards (PDF; a scanned number finds the person).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { startServer } from './harness.mjs';

let srv, admin, desk, other, siteOfDesk;
before(async () => {
  srv = await startServer();
  admin = await srv.login('admin');
  const site = async (name, code) => {
    const r = await srv.request('POST', '/api/v1/sites', { token: admin,
      body: { name, code, kind: 'temporary_reception_centre', capacity: 100, active: true } });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  const user = async (username, sites) => {
    const r = await srv.request('POST', '/api/v1/users', { token: admin,
      body: { username, role: 'registrar', sites, password: 'correct horse battery' } });
    assert.equal(r.status, 201, r.text);
    return srv.login(username, 'correct horse battery');
  };
  siteOfDesk = await site('TRC Lipa', 'LIP');
  const elsewhere = await site('TRC Ušivak', 'USI');
  desk = await user('desk.lipa', [siteOfDesk]);
  other = await user('desk.usivak', [elsewhere]);
});
after(async () => { await srv.stop(); });

async function register(p) {
  const r = await srv.request('POST', '/api/v1/persons', { token: desk,
    body: { sex: 'M', citizenship: 'AF', site_id: siteOfDesk, ...p } });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

const addDoc = (id, body, token = desk) => srv.request('POST', `/api/v1/persons/${id}/documents`, { token, body });
const listDocs = (id, token = desk) => srv.request('GET', `/api/v1/persons/${id}/documents`, { token });

test('a document number with control characters is refused naming the field; nothing is saved', async () => {
  const p = await register({ given_name: 'Farid', family_name: 'Ahmadi', birth_date: '1991-02-03' });
  for (const number of ['AB\u0007123', 'AB\u001b[31m123', 'AB\u202e123', 'A-1']) {
    const r = await addDoc(p.id, { type: 'passport', number, country: 'AF' });
    assert.equal(r.status, 400, `${JSON.stringify(number)}: ${r.text}`);
    assert.equal(r.body.error.field, 'number');
  }
  const bad = await addDoc(p.id, { type: 'visa', number: 'AB123' });
  assert.equal(bad.body.error.field, 'type');
  assert.equal((await listDocs(p.id)).body.items.length, 0);
  const ok = await addDoc(p.id, { type: 'passport', number: 'p 01-23 456', country: 'AF', expiry: '2031-05-01' });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.body.number, 'P0123456');
  assert.equal(ok.body.expired, false);
  const again = await addDoc(p.id, { type: 'passport', number: 'P0123456', country: 'AF' });
  assert.equal(again.status, 409);
  const found = await srv.request('GET', '/api/v1/documents?number=p0123456', { token: desk });
  assert.equal(found.status, 200);
  assert.deepEqual(found.body.items.map((d) => d.person.id), [p.id]);
});

test('documents are need to know by site, as the person is', async () => {
  const p = await register({ given_name: 'Nasir', family_name: 'Karimi' });
  assert.equal((await addDoc(p.id, { type: 'national_id', number: 'NID-4455667', country: 'AF' })).status, 201);
  assert.equal((await listDocs(p.id, other)).status, 404);
  assert.equal((await addDoc(p.id, { type: 'passport', number: 'Z1234567' }, other)).status, 404);
  const search = await srv.request('GET', '/api/v1/documents?number=NID4455667', { token: other });
  assert.equal(search.status, 200);
  assert.equal(search.body.items.length, 0);
  const items = (await listDocs(p.id)).body.items;
  const del = await srv.request('DELETE', `/api/v1/persons/${p.id}/documents/${items[0].id}`, { token: other });
  assert.equal(del.status, 404);
  const mine = await srv.request('DELETE', `/api/v1/persons/${p.id}/documents/${items[0].id}`, { token: desk });
  assert.equal(mine.status, 204);
  const audit = await srv.request('GET', `/api/v1/audit?entity=person_document&id=${items[0].id}`, { token: admin });
  assert.deepEqual(audit.body.items.map((e) => e.action).sort(), ['create', 'delete']);
});

test('two records with the same passport number are candidates, whatever their names', async () => {
  const a = await register({ given_name: 'Abdul', family_name: 'Wahidi', birth_date: '1980-01-01', birth_date_precision: 'year' });
  const b = await register({ given_name: 'Rostam', family_name: 'Jalali', birth_date: '1999-09-09' });
  const before = await srv.request('GET', `/api/v1/persons/${a.id}/candidates`, { token: desk });
  assert.ok(!before.body.items.some((c) => c.id === b.id), 'not candidates before the documents');
  assert.equal((await addDoc(a.id, { type: 'passport', number: 'R 5566 778', country: 'AF' })).status, 201);
  assert.equal((await addDoc(b.id, { type: 'passport', number: 'r5566778', country: 'AF' })).status, 201);
  const after = await srv.request('GET', `/api/v1/persons/${a.id}/candidates`, { token: desk });
  const c = after.body.items.find((x) => x.id === b.id);
  assert.ok(c, JSON.stringify(after.body));
  assert.ok(c.reason_codes.includes('document_equal'), c.reason_codes.join());
  // At the desk, before saving: the typed passport finds both.
  const typed = await srv.request('POST', '/api/v1/persons/candidates', { token: desk,
    body: { given_name: 'Someone', family_name: 'Else', documents: [{ type: 'passport', number: 'R5566-778', country: 'AF' }] } });
  assert.equal(typed.status, 200, typed.text);
  for (const id of [a.id, b.id]) assert.ok(typed.body.items.some((x) => x.id === id), JSON.stringify(typed.body));
  const badTyped = await srv.request('POST', '/api/v1/persons/candidates', { token: desk,
    body: { given_name: 'X', documents: [{ type: 'passport', number: 'R55\u000166' }] } });
  assert.equal(badTyped.status, 400);
  assert.equal(badTyped.body.error.field, 'documents[0].number');
});

// ---- images --------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
// A real 2x2 RGB PNG with a text chunk saying where it was taken.
function png() {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0); ihdr.writeUInt32BE(2, 4); ihdr[8] = 8; ihdr[9] = 2;
  const rows = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Location\0Lipa camp GPS 44.8 16.0', 'latin1')), chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0))]);
}
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 7, 0x4a, 0x46, 0x49, 0x46, 0,
  0xff, 0xe1, 0, 12, 0x45, 0x78, 0x69, 0x66, 0, 0, 0x47, 0x50, 0x53, 0,
  0xff, 0xc0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0, 0xff, 0xda, 0, 8, 1, 1, 0, 0, 0x3f, 0,
  0x12, 0x34, 0xff, 0xd9]);

const putPhoto = (id, bytes, token = desk, type = 'application/octet-stream') =>
  srv.request('PUT', `/api/v1/persons/${id}/photo`, { token, raw: bytes, headers: { 'Content-Type': type } });

test('a photo is checked by its bytes, loses its metadata and is shown only to who may see the person', async () => {
  const p = await register({ given_name: 'Hamid', family_name: 'Sultani' });
  const gif = await putPhoto(p.id, Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
  assert.equal(gif.status, 415, gif.text);
  assert.equal(gif.body.error.field, 'photo');
  const cut = await putPhoto(p.id, png().subarray(0, 40));
  assert.equal(cut.status, 400);
  assert.equal((await srv.request('GET', `/api/v1/persons/${p.id}/photo/info`, { token: desk })).status, 404);
  const ok = await putPhoto(p.id, png());
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.content_type, 'image/png');
  const got = await fetch(`${srv.base}/api/v1/persons/${p.id}/photo`, { headers: { Authorization: `Bearer ${desk}` } });
  assert.equal(got.status, 200);
  assert.equal(got.headers.get('content-type'), 'image/png');
  assert.match(got.headers.get('cache-control'), /no-store/);
  const bytes = Buffer.from(await got.arrayBuffer());
  assert.ok(!bytes.includes('Lipa camp'), 'the text chunk is gone');
  assert.ok(bytes.includes('IDAT'));
  assert.equal((await srv.request('GET', `/api/v1/persons/${p.id}/photo`, { token: other })).status, 404);
  assert.equal((await putPhoto(p.id, JPEG, other)).status, 404);
  const jpeg = await putPhoto(p.id, JPEG);
  assert.equal(jpeg.status, 200, jpeg.text);
  const j = Buffer.from(await (await fetch(`${srv.base}/api/v1/persons/${p.id}/photo`, { headers: { Authorization: `Bearer ${desk}` } })).arrayBuffer());
  assert.ok(!j.includes('Exif'));
  assert.equal(j.length, JPEG.length - 14);
  const audit = await srv.request('GET', `/api/v1/audit?entity=person_photo&id=${p.id}`, { token: admin });
  assert.equal(audit.body.items.filter((e) => e.action === 'read').length, 2);
  const big = await putPhoto(p.id, Buffer.concat([JPEG, Buffer.alloc(4 * 1024 * 1024)]));
  assert.equal(big.status, 413);
  const asPng = await putPhoto(p.id, png(), desk, 'image/png');
  assert.equal(asPng.status, 415, 'the body is sent as application/octet-stream');
});

test('the registration card is a PDF and the scanned number finds the person', async () => {
  const p = await register({ given_name: 'Zahra', family_name: 'Rahimi', sex: 'F' });
  const print = (token, query = '') => fetch(`${srv.base}/api/v1/persons/${p.id}/card${query}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  const card = await print(desk);
  assert.equal(card.status, 200);
  assert.equal(card.headers.get('content-type'), 'application/pdf');
  const pdf = Buffer.from(await card.arrayBuffer());
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.equal((await print(other)).status, 404);
  const picture = await print(desk, '?format=png');
  assert.equal(picture.headers.get('content-type'), 'image/png');
  assert.equal((await srv.request('POST', `/api/v1/persons/${p.id}/card?format=gif`, { token: desk })).body.error.field, 'format');
  // Reading a card is no longer a GET: printing issues a new card.
  assert.equal((await srv.request('GET', `/api/v1/persons/${p.id}/card`, { token: desk })).status, 404);
  const scanned = await srv.request('GET', `/api/v1/cards?reg_no=${encodeURIComponent(p.reg_no.toLowerCase())}`, { token: desk });
  assert.equal(scanned.status, 200, scanned.text);
  assert.equal(scanned.body.person_id, p.id);
  assert.equal(scanned.body.card, false);
  assert.equal((await srv.request('GET', `/api/v1/cards?reg_no=${encodeURIComponent(p.reg_no)}`, { token: other })).status, 404);
  const bad = await srv.request('GET', '/api/v1/cards?reg_no=Zahra', { token: desk });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'reg_no');
  const unknown = await srv.request('GET', '/api/v1/cards?reg_no=HVN1-ABCDEFGHIJKLMNOPQRSTUVWX', { token: desk });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.key, 'card_code_unknown');
  // Two cards printed, two audit entries; the reference itself is not in the log.
  const audit = await srv.request('GET', `/api/v1/audit?entity=registration_card&id=${p.id}`, { token: admin });
  const issued = audit.body.items.filter((e) => e.action === 'issue');
  assert.equal(issued.length, 2);
  assert.ok(!/HVN1-/.test(JSON.stringify(audit.body)));
});
