// Names for the board from the gateway's people directory (GET /v1/people). The directory is
// optional: when the gateway has none (404) people are shown by a short id.

import { personKey, shortId } from './model.js';

const REFRESH_MS = 5 * 60 * 1000;
const MISS_REFRESH_MS = 15 * 1000;

export class Directory {
  constructor(api, onChange) {
    this.api = api;
    this.onChange = onChange;
    this.entries = new Map();
    this.available = null; // unknown until the first answer
    this.loadedAt = 0;
    this.loading = null;
  }

  async load() {
    if (this.loading) return this.loading;
    this.loading = this.api.json('/v1/people', { optional: true })
      .then((body) => {
        this.available = body !== null;
        const next = new Map();
        for (const p of (body && Array.isArray(body.items) ? body.items : [])) {
          if (p && p.id) next.set(personKey(p.id), { displayName: p.displayName || '', email: firstEmail(p) });
        }
        this.entries = next;
        this.loadedAt = Date.now();
        this.onChange();
      })
      .catch(() => {
        // a directory failure only costs names; the board keeps working with short ids
        this.available = false;
      })
      .finally(() => { this.loading = null; });
    return this.loading;
  }

  start() {
    this.load();
    setInterval(() => this.load(), REFRESH_MS);
  }

  /** Someone not in the directory showed up: reload soon (throttled), it may be a new hire. */
  noteMissing() {
    if (this.available && Date.now() - this.loadedAt > MISS_REFRESH_MS) this.load();
  }

  nameOf(person) {
    const e = this.entries.get(person.key);
    return e && e.displayName ? e.displayName : `Person ${shortId(person.id)}`;
  }

  emailOf(person) {
    const e = this.entries.get(person.key);
    return e ? e.email : '';
  }

  has(person) {
    return this.entries.has(person.key);
  }
}

function firstEmail(p) {
  if (typeof p.email === 'string') return p.email;
  if (Array.isArray(p.emails) && typeof p.emails[0] === 'string') return p.emails[0];
  return '';
}
