// Wires the page: REST for the first paint and names, the live channel for changes, and a
// once-per-frame flush so a burst of events costs one render of the cards that changed.

import { Api, KeyDialog } from './api.js';
import { Board } from './board.js';
import { Directory } from './directory.js';
import { HooksView } from './hooks.js';
import { LiveConnection } from './live.js';
import { EventLog } from './log.js';
import { PresenceModel, uuidIn } from './model.js';
import { FILTERS, describe } from './status.js';
import { clock } from './time.js';

const $ = (id) => document.getElementById(id);
const TRANSPORT_KEY = 'presence-gateway.transport';

const api = new Api(new KeyDialog($('key-dialog')));
const model = new PresenceModel();
const directory = new Directory(api, () => { board.sync(model); refreshCounts(); });
const board = new Board($('board'), $('card-tpl'), directory);
const log = new EventLog($('log'), $('log-empty'));

let liveSnapshots = 0;
let snapshotSeen = false;
let resetPending = false;
let lastUpdate = NaN;
const dirty = new Map(); // key -> flash?
const pendingLog = [];
let flushQueued = false;
let needsOrder = false;

// ---- live channel -------------------------------------------------------------------------

const connection = new LiveConnection(api, {
  onSnapshot(envelope) {
    takeSnapshot(envelope);
  },
  onEvent(envelope) {
    for (const { person, before } of model.apply(envelope)) {
      const real = !before || before.status !== person.status || before.statusMessage !== person.statusMessage;
      dirty.set(person.key, real || dirty.get(person.key) === true);
      if (!before) needsOrder = true;
      if (real) pendingLog.push({ person, before, resync: false });
      if (!directory.has(person)) directory.noteMissing();
    }
    lastUpdate = Date.now();
    schedule();
  },
  onReset() {
    resetPending = true;
    log.notice('The gateway could not replay every missed event: taking a fresh snapshot', 'warn');
  },
  onNotice(text) {
    log.notice(text, 'warn');
  },
  onState(state, detail) {
    showConnection(state, detail);
  },
});

function takeSnapshot(envelope, settled = false) {
  snapshotSeen = true;
  if (!settled && isEmpty(envelope)) {
    awaitFirstCycle(envelope);
    return;
  }
  const { changes, first } = model.replace(envelope);
  const resync = liveSnapshots > 0 || resetPending;
  liveSnapshots++;
  resetPending = false;
  for (const { person, before } of changes) {
    dirty.set(person.key, true);
    pendingLog.push({ person, before, resync });
  }
  if (resync && changes.length) log.notice(`Back in sync: ${plural(changes.length, 'change')} while disconnected`, 'ok');
  lastUpdate = Date.now();
  board.sync(model);
  if (!first) needsOrder = true;
  schedule();
}

function isEmpty(envelope) {
  return !envelope || !Array.isArray(envelope.items) || envelope.items.length === 0;
}

/**
 * An empty snapshot usually means a gateway that has just (re)started and not finished its first
 * poll cycle, and that cycle is a silent baseline: no event will bring those people. So the read
 * API is asked again for a while; the people shown before stay until it answers (or until it has
 * stayed empty long enough to be true).
 */
const EMPTY_RECHECK_MS = 2000;
const EMPTY_RECHECKS = 30;
let emptyChecks = null;
function awaitFirstCycle(envelope) {
  if (emptyChecks !== null) return;
  emptyChecks = 0;
  if (model.people.size === 0) {
    model.replace(envelope);
    refreshCounts();
  }
  const check = async () => {
    emptyChecks++;
    let current = null;
    try {
      current = await api.json('/v1/presence');
    } catch {
      // unreachable or refused: the live channel reports that; keep checking
    }
    if (!isEmpty(current) || emptyChecks >= EMPTY_RECHECKS) {
      emptyChecks = null;
      takeSnapshot(current || envelope, true);
      return;
    }
    setTimeout(check, EMPTY_RECHECK_MS);
  };
  setTimeout(check, EMPTY_RECHECK_MS / 2);
}

let lastState = '';
function showConnection(state, detail) {
  const el = $('conn');
  const channel = detail.kind === 'ws' ? 'WebSocket' : 'SSE';
  const texts = {
    connecting: 'Connecting…',
    live: `Live · ${channel}`,
    reconnecting: 'Reconnecting…',
    offline: detail.browserOffline ? 'Offline · no network' : 'Offline · retrying',
    locked: 'API key needed',
  };
  if (state === lastState && el.dataset.kind === detail.kind) return;
  if (lastState === 'live' && state !== 'live') log.notice('Connection lost, reconnecting', 'warn');
  if (lastState && lastState !== 'live' && lastState !== 'connecting' && state === 'live') log.notice(`Reconnected over ${channel}`, 'ok');
  lastState = state;
  el.dataset.state = state;
  el.dataset.kind = detail.kind;
  $('conn-text').textContent = texts[state] || state;
  el.title = state === 'live' ? `Receiving changes over ${channel}` : state === 'locked' ? 'Click to enter the API key' : '';
  el.tabIndex = state === 'locked' ? 0 : -1;
  if (state === 'locked') showEmpty('API key needed', 'This gateway requires an API key for the live stream. Click the indicator to enter it.');
}

$('conn').addEventListener('click', () => unlock());
$('conn').addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') unlock(); });
function unlock() {
  if ($('conn').dataset.state !== 'locked') return;
  api.retryKey().then((ok) => { if (ok) { connection.reconnectNow(); start(); } });
}

// ---- rendering ------------------------------------------------------------------------------

function schedule() {
  if (flushQueued) return;
  flushQueued = true;
  // rAF paints with the next frame; the timeout keeps a hidden tab (no frames) up to date too
  const run = () => { if (flushQueued) flush(); };
  requestAnimationFrame(run);
  setTimeout(run, 250);
}

function flush() {
  flushQueued = false;
  for (const [key, flash] of dirty) {
    const person = model.people.get(key);
    if (person) board.update(person, flash);
  }
  dirty.clear();
  if (needsOrder) {
    board.order();
    needsOrder = false;
  }
  for (const { person, before, resync } of pendingLog.splice(0).slice(-100)) {
    log.change(directory.nameOf(person), before, person, { resync });
  }
  refreshCounts();
}

// ---- filters and counts -------------------------------------------------------------------

const selected = new Set();
const chipEls = new Map();

function buildChips() {
  const box = $('chips');
  const all = chip('all', 'All', null);
  box.append(all);
  for (const f of FILTERS) box.append(chip(f.key, f.label, f.icon));
}

function chip(key, label, icon) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = `chip ${key === 'all' ? 'chip-all' : describeKey(key)}`;
  b.dataset.filter = key;
  b.setAttribute('aria-pressed', key === 'all' ? 'true' : 'false');
  b.innerHTML = icon ? `<svg class="ic" aria-hidden="true"><use href="#${icon}"/></svg>` : '';
  const l = document.createElement('span');
  l.className = 'chip-label';
  l.textContent = label;
  const n = document.createElement('span');
  n.className = 'chip-count';
  n.textContent = '0';
  b.append(l, n);
  b.addEventListener('click', () => toggleFilter(key));
  chipEls.set(key, { b, n, label });
  return b;
}

function describeKey(key) {
  return key === 'other' ? 's-other' : describe(key).css;
}

function toggleFilter(key) {
  if (key === 'all') selected.clear();
  else if (selected.has(key)) selected.delete(key);
  else selected.add(key);
  for (const [k, { b }] of chipEls) b.setAttribute('aria-pressed', String(k === 'all' ? selected.size === 0 : selected.has(k)));
  applyFilter();
}

function applyFilter() {
  board.setFilter($('search').value, new Set(selected));
  board.tick();
  refreshCounts();
}

function refreshCounts() {
  const counts = new Map();
  for (const p of model.people.values()) {
    const key = describe(p.status).key;
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  const total = model.people.size;
  for (const [key, { b, n, label }] of chipEls) {
    const c = key === 'all' ? total : counts.get(key) || 0;
    if (n.textContent !== String(c)) n.textContent = String(c);
    b.classList.toggle('zero', c === 0);
    b.setAttribute('aria-label', `${label}: ${c}`);
    if (key === 'other') b.hidden = c === 0 && !selected.has('other');
  }
  const visible = board.visibleCount();
  const filtered = visible !== total;
  $('summary').textContent = total === 0 ? '' : filtered
    ? `Showing ${visible} of ${plural(total, 'person', 'people')}`
    : `${plural(total, 'person', 'people')} watched`;
  if (total > 0 && visible === 0) showEmpty('Nobody matches', 'Try another name or clear the status filter.');
  else if (total > 0) $('empty').hidden = true;
  else if (snapshotSeen) showEmpty('Nobody is watched yet', 'The gateway has no presence data yet: the first poll cycle may still be running.');
  else showEmpty('Waiting for the first snapshot…', 'The gateway sends the current state as soon as the live channel opens.');
  const org = model.orgId ? `Org ${uuidIn(model.orgId, 'ORGANIZATION').slice(0, 8)}` : 'Live presence of the watched people';
  $('org-line').textContent = Number.isFinite(lastUpdate) ? `${org} · updated ${clock(lastUpdate)}` : org;
}

function showEmpty(title, text) {
  $('empty-title').textContent = title;
  $('empty-text').textContent = text;
  $('empty').hidden = false;
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

// ---- transport switch, search, tabs ------------------------------------------------------------

function initialTransport() {
  const fromUrl = new URLSearchParams(location.search).get('transport');
  if (fromUrl === 'ws' || fromUrl === 'sse') return fromUrl;
  try {
    return localStorage.getItem(TRANSPORT_KEY) === 'ws' ? 'ws' : 'sse';
  } catch {
    return 'sse';
  }
}

function initControls() {
  const kind = initialTransport();
  $(kind === 'ws' ? 'tr-ws' : 'tr-sse').checked = true;
  $('transport').addEventListener('change', (e) => {
    const next = e.target.value;
    try { localStorage.setItem(TRANSPORT_KEY, next); } catch { /* not persisted */ }
    log.notice(`Switched to ${next === 'ws' ? 'WebSocket' : 'SSE'}`);
    connection.use(next);
  });
  let searchTimer;
  $('search').addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(applyFilter, 80); });
  $('search').addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.target.value = ''; applyFilter(); } });
  addEventListener('keydown', (e) => {
    if (e.key === '/' && !['INPUT', 'TEXTAREA'].includes(document.activeElement.tagName)) {
      e.preventDefault();
      $('search').focus();
    }
  });
  $('log-clear').addEventListener('click', () => log.clear());
  initTabs();
  return kind;
}

function initTabs() {
  const tabs = [$('tab-board'), $('tab-hooks')];
  const show = (tab) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute('aria-controls')).hidden = !on;
    }
    if (tab === tabs[1]) hooks.refresh();
  };
  for (const t of tabs) {
    t.addEventListener('click', () => show(t));
    t.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const visible = tabs.filter((x) => !x.hidden);
      const next = visible[(visible.indexOf(t) + (e.key === 'ArrowRight' ? 1 : visible.length - 1)) % visible.length];
      next.focus();
      show(next);
    });
  }
}

const hooks = new HooksView(api, {
  form: $('hook-form'), url: $('hook-url'), msg: $('hook-msg'), list: $('subs'), empty: $('subs-empty'),
  secretBox: $('hook-secret'), secretValue: $('hook-secret-value'), copy: $('hook-secret-copy'),
  table: $('deliveries'), hint: $('deliveries-hint'), deliveriesTitle: $('deliveries-title'),
});

// ---- start ----------------------------------------------------------------------------------

/** First paint from the read API while the live channel opens; the stream's snapshot wins. */
async function start() {
  try {
    const envelope = await api.json('/v1/presence');
    if (!snapshotSeen && envelope) {
      model.replace(envelope);
      lastUpdate = Date.now();
      board.sync(model);
      refreshCounts();
    }
  } catch (e) {
    if (e.status === 401) showEmpty('API key needed', 'Enter the gateway API key to see presence.');
  }
  directory.start();
  hooks.available().then((yes) => { $('tab-hooks').hidden = !yes; });
}

buildChips();
const firstKind = initControls();
refreshCounts();
start();
connection.use(firstKind);
setInterval(() => {
  board.tick();
  connection.report();
}, 1000);
