// Scan a registration card: the desk or check-in scans the card's QR code with a
// scanner acting as a keyboard (or types the number printed on it) and the person's
// profile opens.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { cardScanForm } from '../components/identity.js';

export default async function render({ root, app }) {
  app.setTitle(t('idoc.scan_title'));
  const { form, input } = cardScanForm({ go: (path) => app.navigate(path) });
  root.append(h('h1', {}, t('idoc.scan_title')), h('p', { class: 'lead' }, t('idoc.scan_lead')),
    h('section', { class: 'card scan-card' }, form));
  input.focus();
}
