// The board: one card per person, keyed by person. Only what changed is written to the DOM: a
// status event touches the cards of the people in it, the ticking times rewrite only texts that
// differ, and filtering toggles `hidden` without rebuilding anything.

import { describe } from './status.js';
import { ago, full } from './time.js';
import { shortId } from './model.js';

export class Board {
  constructor(list, template, directory) {
    this.list = list;
    this.template = template;
    this.directory = directory;
    this.rows = new Map();
    this.query = '';
    this.statuses = new Set();
  }

  /** Reconciles every card with the model (snapshot, directory loaded): adds, removes, orders. */
  sync(model) {
    for (const [key, row] of this.rows) {
      if (!model.people.has(key)) {
        row.el.remove();
        this.rows.delete(key);
      }
    }
    for (const person of model.people.values()) this.update(person, false);
    this.order();
  }

  /** Writes one person's card; `flash` marks a change that just arrived. */
  update(person, flash) {
    let row = this.rows.get(person.key);
    const isNew = !row;
    if (isNew) {
      row = this.create(person);
      this.rows.set(person.key, row);
    }
    row.person = person;
    const name = this.directory.nameOf(person);
    const email = this.directory.emailOf(person);
    const st = describe(person.status);
    set(row, 'name', row.name, name);
    set(row, 'initials', row.initials, initials(name, person));
    set(row, "meta", row.meta, email || person.key);
    if (row.hue === undefined) row.el.style.setProperty('--hue', String(hue(person.key)));
    row.hue = true;
    if (row.css !== st.css) {
      if (row.css) row.el.classList.remove(row.css);
      row.el.classList.add(st.css);
      row.css = st.css;
    }
    set(row, 'badgeText', row.badgeText, st.label);
    if (row.icon !== st.icon) {
      row.use.setAttribute('href', `#${st.icon}`);
      row.icon = st.icon;
    }
    row.badge.title = person.status ? `Webex status: ${person.status}` : 'No presence data';
    set(row, 'msg', row.msg, person.statusMessage || '');
    row.msg.classList.toggle('none', !person.statusMessage);
    row.el.dataset.status = st.key;
    row.search = `${name}\n${email}\n${person.statusMessage}\n${st.label}\n${person.status}\n${person.id}\n${person.key}`.toLowerCase();
    this.tickRow(row, Date.now());
    this.filterRow(row);
    if (isNew) this.list.append(row.el);
    if (flash) {
      // alternating two identical animations restarts the highlight without forcing a layout
      row.flip = !row.flip;
      row.el.classList.remove('flash-a', 'flash-b');
      row.el.classList.add(row.flip ? 'flash-a' : 'flash-b');
    }
    return isNew;
  }

  create(person) {
    const el = this.template.content.firstElementChild.cloneNode(true);
    el.dataset.key = person.key;
    el.dataset.id = person.id;
    el.tabIndex = 0;
    const q = (sel) => el.querySelector(sel);
    return {
      el, name: q('.name'), initials: q('.initials'), meta: q('.meta'), badge: q('.badge'),
      badgeText: q('.badge-text'), use: q('.badge use'), msg: q('.msg'), seen: q('.seen'),
      changed: q('.changed'), texts: {}, css: '', icon: 'i-unknown',
    };
  }

  /** Sorts by display name, moving only the cards that are out of place. */
  order() {
    const sorted = [...this.rows.values()].sort((a, b) =>
      a.texts.name.localeCompare(b.texts.name, undefined, { sensitivity: 'base', numeric: true }) || (a.person.key < b.person.key ? -1 : 1));
    let cursor = this.list.firstElementChild;
    for (const row of sorted) {
      if (row.el === cursor) {
        cursor = cursor.nextElementSibling;
      } else {
        this.list.insertBefore(row.el, cursor);
      }
    }
  }

  setFilter(query, statuses) {
    this.query = query.trim().toLowerCase();
    this.statuses = statuses;
    for (const row of this.rows.values()) this.filterRow(row);
  }

  filterRow(row) {
    const byStatus = this.statuses.size === 0 || this.statuses.has(row.el.dataset.status);
    const byText = !this.query || this.query.split(/\s+/).every((w) => row.search.includes(w));
    const hide = !(byStatus && byText);
    if (row.el.hidden !== hide) row.el.hidden = hide;
  }

  visibleCount() {
    let n = 0;
    for (const row of this.rows.values()) if (!row.el.hidden) n++;
    return n;
  }

  /** Keeps "last active … ago" current; hidden cards are brought up to date when shown. */
  tick() {
    const now = Date.now();
    for (const row of this.rows.values()) if (!row.el.hidden) this.tickRow(row, now);
  }

  tickRow(row, now) {
    const p = row.person;
    const seen = Number.isFinite(p.lastActivity) ? `last active ${ago(p.lastActivity, now)}` : 'no activity recorded';
    set(row, 'seen', row.seen, seen);
    const changed = Number.isFinite(p.changedAt) ? `changed ${ago(p.changedAt, now)}` : '';
    set(row, 'changed', row.changed, changed);
    if (row.titleFor !== p.lastActivity) {
      row.seen.title = `Last activity: ${full(p.lastActivity)}`;
      row.titleFor = p.lastActivity;
    }
  }
}

function set(row, field, el, text) {
  if (row.texts[field] !== text) {
    el.textContent = text;
    row.texts[field] = text;
  }
}

function initials(name, person) {
  if (name.startsWith('Person ')) return shortId(person.id).slice(0, 2).toUpperCase();
  const parts = name.split(/\s+/).filter(Boolean);
  return ((parts[0] || '?')[0] + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

function hue(key) {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return h % 360;
}
