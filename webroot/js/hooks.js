// The webhooks view: list subscriptions, add one (its signing secret is shown once), and see the
// recent delivery attempts of one (with the next retry when one is scheduled) and its dead letters.
// Shown only when the gateway has the subscriptions API.

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
      this.renderDeliveries(items(body), body && Array.isArray(body.deadLetters) ? body.deadLetters : []);
    } catch (e) {
      this.els.table.hidden = true;
      this.els.hint.textContent = `Could not load deliveries: ${e.message}`;
    }
  }

  /** Dead letters first: they are what needs a decision (replay or not); then the attempts, newest first. */
  renderDeliveries(attempts, deadLetters) {
    const tbody = this.els.table.tBodies[0];
    tbody.replaceChildren(...deadLetters.map(deadLetterRow), ...attempts.map(deliveryRow));
    const count = attempts.length + deadLetters.length;
    this.els.table.hidden = count === 0;
    this.els.hint.hidden = count > 0;
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

// An attempt as GET …/deliveries gives it: at, eventId, attempt, statusCode, succeeded, error and,
// when another attempt is scheduled, nextRetryAt.
function deliveryRow(d) {
  const at = parseTime(d.at);
  const next = parseTime(d.nextRetryAt);
  const retrying = !d.succeeded && Number.isFinite(next);
  const detail = [d.statusCode ? `HTTP ${d.statusCode}` : '', d.error || '', retrying ? `next retry ${clock(next)}` : ''];
  const tr = row(at, d.eventId, d.attempt, d.succeeded ? 'delivered' : retrying ? 'retrying' : 'failed',
    d.succeeded ? 'ok' : retrying ? 'wait' : 'bad', detail);
  if (retrying) tr.cells[4].title = `next retry ${full(next)}`;
  return tr;
}

// A dead letter: eventId, attempts made, reason and deadAt; POST …/replay sends it again.
function deadLetterRow(d) {
  return row(parseTime(d.deadAt), d.eventId, d.attempts, 'dead letter', 'bad', [d.reason || '']);
}

function row(at, eventId, attempt, outcome, tone, detail) {
  const tr = document.createElement('tr');
  const cells = [
    Number.isFinite(at) ? clock(at) : '—',
    eventId || '—',
    attempt ?? '—',
    null,
    [...new Set(detail.filter(Boolean))].join(' · ') || '—', // the error often repeats the status ("HTTP 410")
  ];
  cells.forEach((value, i) => {
    const td = document.createElement('td');
    if (i === 3) {
      const pill = document.createElement('span');
      pill.className = `pill ${tone}`;
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
