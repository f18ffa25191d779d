// The webhooks view: list subscriptions, add one (its signing secret is shown once), and see the
// recent delivery attempts of one. Shown only when the gateway has the subscriptions API.

import { clock, full, parseTime } from './time.js';

export class HooksView {
  constructor(api, els) {
    this.api = api;
    this.els = els;
    this.selected = null;
    els.form.addEventListener('submit', (e) => { e.preventDefault(); this.create(); });
    els.copy.addEventListener('click', () => this.copySecret());
  }

  /** True when the gateway has the subscriptions API (404 means it does not: the view stays hidden). */
  async available() {
    try {
      const body = await this.api.json('/v1/subscriptions', { optional: true });
      if (body === null) return false;
      this.render(items(body));
      return true;
    } catch {
      return false;
    }
  }

  async refresh() {
    try {
      this.render(items(await this.api.json('/v1/subscriptions')));
    } catch (e) {
      this.message(`Could not load subscriptions: ${e.message}`, true);
    }
  }

  render(subs) {
    const { list, empty } = this.els;
    list.replaceChildren(...subs.map((s) => this.subItem(s)));
    empty.hidden = subs.length > 0;
  }

  subItem(sub) {
    const li = document.createElement('li');
    const btn = document.createElement('button');
    btn.type = 'button';
    btn.className = 'sub';
    btn.setAttribute('aria-pressed', String(this.selected === sub.id));
    const enabled = isEnabled(sub);
    const state = document.createElement('span');
    state.className = `pill ${enabled ? 'ok' : 'off'}`;
    state.textContent = enabled ? 'active' : 'disabled';
    const url = document.createElement('span');
    url.className = 'sub-url';
    url.textContent = sub.targetUrl || sub.url || '(no URL)';
    const filter = document.createElement('span');
    filter.className = 'sub-filter muted';
    filter.textContent = describeFilter(sub);
    btn.append(state, url, filter);
    btn.addEventListener('click', () => this.select(sub, li.parentElement));
    li.append(btn);
    return li;
  }

  async create() {
    const url = this.els.url.value.trim();
    if (!url) return;
    this.message('Adding…');
    try {
      const sub = await this.api.json('/v1/subscriptions', { method: 'POST', body: { targetUrl: url } });
      this.els.url.value = '';
      this.message('Subscription added.');
      if (sub && sub.secret) {
        this.els.secretValue.textContent = sub.secret;
        this.els.secretBox.hidden = false;
      }
      await this.refresh();
    } catch (e) {
      this.message(`Not added: ${e.message}`, true);
    }
  }

  async select(sub, list) {
    this.selected = sub.id;
    for (const b of list.querySelectorAll('button.sub')) b.setAttribute('aria-pressed', 'false');
    const mine = [...list.children].find((li) => li.querySelector('.sub-url').textContent === (sub.targetUrl || sub.url));
    if (mine) mine.querySelector('button').setAttribute('aria-pressed', 'true');
    this.els.deliveriesTitle.textContent = `Delivery attempts · ${sub.targetUrl || sub.id}`;
    this.els.hint.textContent = 'Loading…';
    this.els.hint.hidden = false;
    try {
      const body = await this.api.json(`/v1/subscriptions/${encodeURIComponent(sub.id)}/deliveries`);
      this.renderDeliveries(items(body));
    } catch (e) {
      this.els.table.hidden = true;
      this.els.hint.textContent = `Could not load deliveries: ${e.message}`;
    }
  }

  renderDeliveries(rows) {
    const tbody = this.els.table.tBodies[0];
    tbody.replaceChildren(...rows.map(deliveryRow));
    this.els.table.hidden = rows.length === 0;
    this.els.hint.hidden = rows.length > 0;
    this.els.hint.textContent = 'No delivery attempts yet.';
  }

  async copySecret() {
    try {
      await navigator.clipboard.writeText(this.els.secretValue.textContent);
      this.els.copy.textContent = 'Copied';
    } catch {
      this.els.copy.textContent = 'Select and copy';
    }
  }

  message(text, error = false) {
    this.els.msg.textContent = text;
    this.els.msg.classList.toggle('error', error);
  }
}

function items(body) {
  if (Array.isArray(body)) return body;
  return body && Array.isArray(body.items) ? body.items : [];
}

function isEnabled(sub) {
  if (typeof sub.active === 'boolean') return sub.active;
  if (typeof sub.enabled === 'boolean') return sub.enabled;
  if (typeof sub.status === 'string') return !/disabled|inactive/i.test(sub.status);
  return true;
}

function describeFilter(sub) {
  const f = sub.filter || sub;
  const ids = Array.isArray(f.ids) ? f.ids.length : 0;
  const statuses = Array.isArray(f.statuses) ? f.statuses : [];
  if (!ids && !statuses.length) return 'everyone, every status';
  const parts = [];
  if (ids) parts.push(`${ids} ${ids === 1 ? 'person' : 'people'}`);
  if (statuses.length) parts.push(statuses.join(', '));
  return parts.join(' · ');
}

function deliveryRow(d) {
  const tr = document.createElement('tr');
  const at = parseTime(d.attemptedAt || d.at || d.timestamp || d.createdAt);
  const code = d.responseStatus ?? d.statusCode ?? d.httpStatus;
  const outcome = String(d.status || d.outcome || d.result || (code >= 200 && code < 300 ? 'delivered' : 'failed'));
  const ok = /deliver|success|ok/i.test(outcome);
  const pending = /pending|retry|scheduled/i.test(outcome);
  const cells = [
    Number.isFinite(at) ? clock(at) : '—',
    d.eventId || d.webhookId || d.id || '—',
    d.attempt ?? d.attempts ?? '—',
    null,
    [code ? `HTTP ${code}` : '', d.error || '', d.nextAttemptAt ? `next ${clock(parseTime(d.nextAttemptAt))}` : ''].filter(Boolean).join(' · ') || '—',
  ];
  cells.forEach((value, i) => {
    const td = document.createElement('td');
    if (i === 3) {
      const pill = document.createElement('span');
      pill.className = `pill ${ok ? 'ok' : pending ? 'wait' : 'bad'}`;
      pill.textContent = outcome;
      td.append(pill);
    } else {
      td.textContent = String(value);
    }
    if (i === 0 && Number.isFinite(at)) td.title = full(at);
    tr.append(td);
  });
  return tr;
}
