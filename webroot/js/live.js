// The live channel: Server-Sent Events (default) or WebSocket, behind one interface, and the
// connection indicator's truth. "live" means a channel is open right now; "reconnecting" means it
// was lost and is being re-established; "offline" means the browser is offline or the gateway has
// been unreachable for a while (retries go on, slower).

const OFFLINE_AFTER_MS = 45_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 15_000;
const WS_PING_MS = 20_000;
const WS_SILENCE_MS = 50_000;

/** Orders event ids "<ms>-<seq>"; null when either id has another form (then nothing is skipped). */
export function compareIds(a, b) {
  const pa = /^(\d+)-(\d+)$/.exec(a || '');
  const pb = /^(\d+)-(\d+)$/.exec(b || '');
  if (!pa || !pb) return null;
  return Number(pa[1]) - Number(pb[1]) || Number(pa[2]) - Number(pb[2]);
}

export class LiveConnection {
  /**
   * handlers: onSnapshot(envelope), onEvent(envelope, id), onReset(), onNotice(text),
   * onState(state, detail) with state one of connecting | live | reconnecting | offline | locked.
   */
  constructor(api, handlers) {
    this.api = api;
    this.h = handlers;
    this.kind = null;
    this.lastEventId = '';
    this.channel = null;
    this.retryTimer = null;
    this.attempt = 0;
    this.failingSince = NaN;
    this.everLive = false;
    this.generation = 0;
    addEventListener('offline', () => this.report());
    addEventListener('online', () => { if (this.state !== 'live') this.reconnectNow(); });
  }

  use(kind) {
    if (kind === this.kind && this.channel) return;
    this.kind = kind;
    this.reconnectNow();
  }

  reconnectNow() {
    this.close();
    this.attempt = 0;
    this.open();
  }

  close() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.generation++;
    if (this.channel) this.channel.close();
    this.channel = null;
  }

  open() {
    const gen = ++this.generation;
    const live = (fn) => (...args) => { if (gen === this.generation) fn(...args); };
    const callbacks = {
      opened: live(() => this.opened()),
      lost: live(() => this.lost()),
      failed: live(() => this.failed()),
      snapshot: live((env, id) => { this.noteId(id, true); this.h.onSnapshot(env); }),
      event: live((env, id) => { if (this.noteId(id, false)) this.h.onEvent(env, id); }),
      reset: live(() => this.h.onReset()),
      notice: live((text) => this.h.onNotice(text)),
    };
    this.channel = this.kind === 'ws' ? new WsChannel(this.api, this.lastEventId, callbacks)
      : new SseChannel(this.api, this.lastEventId, callbacks);
    this.report(this.everLive ? 'reconnecting' : 'connecting');
  }

  /** Keeps the resume cursor; false for an event already applied (a replay overlap). */
  noteId(id, snapshot) {
    if (!id) return true;
    const order = compareIds(id, this.lastEventId);
    if (!snapshot && order !== null && order <= 0) return false;
    if (snapshot || order === null || order > 0) this.lastEventId = id;
    return true;
  }

  opened() {
    this.attempt = 0;
    this.failingSince = NaN;
    this.everLive = true;
    this.report('live');
  }

  /** The channel dropped and re-establishes itself (EventSource does). */
  lost() {
    if (!Number.isFinite(this.failingSince)) this.failingSince = Date.now();
    this.report('reconnecting');
  }

  /** The channel is closed for good: find out why, then open a new one after a backoff. */
  async failed() {
    if (!Number.isFinite(this.failingSince)) this.failingSince = Date.now();
    const gen = this.generation;
    if (this.channel) this.channel.close();
    this.report('reconnecting');
    const status = await this.probe();
    if (gen !== this.generation) return;
    if (status === 401) {
      const gotKey = await this.api.askForKey();
      if (gen !== this.generation) return;
      if (!gotKey) {
        this.channel = null;
        this.report('locked');
        return;
      }
      this.open();
      return;
    }
    const delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.attempt++) * (0.7 + Math.random() * 0.6);
    this.retryTimer = setTimeout(() => { if (gen === this.generation) this.open(); }, delay);
  }

  /** Status of the stream endpoint (0 when unreachable), to tell "key needed" from "gateway down". */
  async probe() {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), 5000);
    try {
      const headers = { Accept: 'text/event-stream' };
      if (this.api.key) headers.Authorization = `Bearer ${this.api.key}`;
      const res = await fetch('/v1/presence/stream', { headers, cache: 'no-store', signal: ctrl.signal });
      ctrl.abort();
      return res.status;
    } catch {
      return 0;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Recomputes what the indicator says (also on a timer: "reconnecting" turns "offline"). */
  report(next) {
    if (next) this.state = next;
    let shown = this.state || 'connecting';
    const failingFor = Date.now() - this.failingSince;
    if (shown !== 'live' && shown !== 'locked' && (navigator.onLine === false || failingFor > OFFLINE_AFTER_MS)) {
      shown = 'offline';
    }
    this.h.onState(shown, { kind: this.kind, failingSince: this.failingSince, browserOffline: navigator.onLine === false });
  }
}

class SseChannel {
  constructor(api, since, cb) {
    this.es = new EventSource(api.streamUrl('/v1/presence/stream', { lastEventId: since }));
    this.es.addEventListener('open', () => cb.opened());
    this.es.addEventListener('snapshot', (e) => withJson(e.data, cb, (env) => cb.snapshot(env, e.lastEventId)));
    this.es.addEventListener('user-presence', (e) => withJson(e.data, cb, (env) => cb.event(env, e.lastEventId)));
    this.es.addEventListener('reset', () => cb.reset());
    this.es.addEventListener('error', () => {
      if (this.es.readyState === EventSource.CLOSED) cb.failed();
      else cb.lost();
    });
  }

  close() {
    this.es.close();
  }
}

class WsChannel {
  constructor(api, since, cb) {
    const url = api.streamUrl('/v1/presence/ws');
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.cb = cb;
    this.closed = false;
    this.heardAt = Date.now();
    this.ws = new WebSocket(url);
    this.ws.addEventListener('open', () => {
      this.send(since ? { type: 'subscribe', since } : { type: 'subscribe' });
      this.pinger = setInterval(() => this.ping(), WS_PING_MS);
      cb.opened();
    });
    this.ws.addEventListener('message', (e) => this.receive(e.data));
    this.ws.addEventListener('close', () => {
      clearInterval(this.pinger);
      if (!this.closed) cb.failed();
    });
  }

  receive(text) {
    this.heardAt = Date.now();
    withJson(text, this.cb, (msg) => {
      switch (msg.type) {
        case 'snapshot': this.cb.snapshot(msg.data, msg.id); break;
        case 'user-presence': this.cb.event(msg.data, msg.id); break;
        case 'reset': this.cb.reset(); break;
        case 'error': this.cb.notice(`Gateway: ${errorText(msg)}`); break;
        default: break; // pong and anything newer: proof of life only
      }
    });
  }

  /** A peer that stays silent past a ping is dead even if TCP has not noticed: drop and reconnect. */
  ping() {
    if (Date.now() - this.heardAt > WS_SILENCE_MS) {
      this.ws.close();
      return;
    }
    this.send({ type: 'ping' });
  }

  send(msg) {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(msg));
  }

  close() {
    this.closed = true;
    clearInterval(this.pinger);
    this.ws.close();
  }
}

function withJson(text, cb, fn) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    cb.notice('Ignored a message that was not JSON');
    return;
  }
  fn(value);
}

function errorText(msg) {
  const e = (msg.data && msg.data.error) || msg.error || msg.data || {};
  return e.message || msg.message || 'error';
}
