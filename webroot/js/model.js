// The board's state: one entry per watched person, keyed like the gateway keys people (the UUID
// inside the Webex id), so ids in different base64 encodings are the same person.

import { parseTime } from './time.js';

/** The UUID inside a Webex person id (base64 of ciscospark://<region>/PEOPLE/<uuid>), or the id itself. */
export function personKey(id) {
  return uuidIn(id, 'PEOPLE');
}

/** The UUID inside a Webex id of the given type (PEOPLE, ORGANIZATION), or the id itself. */
export function uuidIn(id, type) {
  if (typeof id !== 'string') return String(id);
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (uuid.test(id)) return id.toLowerCase();
  try {
    let b64 = id.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    b64 += '='.repeat((4 - (b64.length % 4)) % 4);
    const m = /^ciscospark:\/\/[a-z0-9-]+\/([A-Z]+)\/([0-9a-f-]{36})$/i.exec(atob(b64));
    if (m && m[1] === type) return m[2].toLowerCase();
  } catch {
    // not base64: the id is its own key
  }
  return id;
}

/** A short, stable label for a person the directory does not know: the first block of the UUID. */
export function shortId(id) {
  const key = personKey(id);
  return key.length > 8 ? key.slice(0, 8) : key;
}

function toPerson(item, now) {
  return {
    key: personKey(item.id),
    id: item.id,
    status: item.status ?? null,
    statusMessage: item.statusMessage ?? '',
    lastActivity: parseTime(item.lastActivity),
    lastModified: parseTime(item.lastModified),
    changedAt: NaN,
    receivedAt: now,
  };
}

function differs(a, b) {
  return a.status !== b.status || a.statusMessage !== b.statusMessage;
}

export class PresenceModel {
  constructor() {
    this.people = new Map();
    this.orgId = '';
    this.lastEventAt = NaN;
  }

  /**
   * Replaces the state with a snapshot. Returns what differs from what was shown before, so that a
   * snapshot after a reconnect shows (and logs) the changes made while the page was disconnected.
   */
  replace(envelope) {
    const now = Date.now();
    const first = this.people.size === 0;
    const next = new Map();
    const changes = [];
    for (const item of items(envelope)) {
      const person = toPerson(item, now);
      const before = this.people.get(person.key);
      if (before) {
        person.changedAt = before.changedAt;
        if (differs(before, person)) {
          person.changedAt = now;
          changes.push({ person, before });
        }
      } else if (!first) {
        changes.push({ person, before: null });
      }
      next.set(person.key, person);
    }
    const removed = [...this.people.keys()].filter((k) => !next.has(k));
    this.people = next;
    this.noteOrg(envelope);
    return { changes, removed, first };
  }

  /** Applies one user-presence event; returns the changes (a person's state before and after). */
  apply(envelope) {
    const now = Date.now();
    const changes = [];
    for (const item of items(envelope)) {
      const person = toPerson(item, now);
      const before = this.people.get(person.key) || null;
      person.changedAt = !before || differs(before, person) ? now : before.changedAt;
      this.people.set(person.key, person);
      changes.push({ person, before });
    }
    this.noteOrg(envelope);
    this.lastEventAt = now;
    return changes;
  }

  noteOrg(envelope) {
    if (envelope && typeof envelope.orgId === 'string' && envelope.orgId) this.orgId = envelope.orgId;
  }
}

function items(envelope) {
  return envelope && Array.isArray(envelope.items) ? envelope.items.filter((i) => i && i.id) : [];
}
