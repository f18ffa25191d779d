// The event log pane: newest change first (time, person, from → to, message), plus short notices
// about the connection. Bounded, so a long-running wall display does not grow without end.

import { describe } from './status.js';
import { clock, full } from './time.js';

const MAX_ENTRIES = 100;

export class EventLog {
  constructor(list, emptyNote) {
    this.list = list;
    this.emptyNote = emptyNote;
  }

  change(name, before, after, { resync = false } = {}) {
    const li = document.createElement('li');
    li.className = 'entry';
    li.append(time(Date.now()));
    const who = document.createElement('span');
    who.className = 'log-who';
    who.textContent = name;
    li.append(who);
    const flow = document.createElement('span');
    flow.className = 'flow';
    if (before) {
      flow.append(badge(before.status), arrow());
    } else {
      const tag = document.createElement('span');
      tag.className = 'tag';
      tag.textContent = 'new';
      flow.append(tag, arrow());
    }
    flow.append(badge(after.status));
    li.append(flow);
    const msgChanged = !before || before.statusMessage !== after.statusMessage;
    if (after.statusMessage && msgChanged) li.append(text('msg', `“${after.statusMessage}”`));
    else if (before && before.statusMessage && !after.statusMessage && before.status === after.status) li.append(text('msg', 'message cleared'));
    if (resync) li.append(text('tag', 'while disconnected'));
    this.add(li);
  }

  notice(message, kind = 'info') {
    const li = document.createElement('li');
    li.className = `entry note note-${kind}`;
    li.append(time(Date.now()), text('note-text', message));
    this.add(li);
  }

  add(li) {
    this.list.prepend(li);
    while (this.list.childElementCount > MAX_ENTRIES) this.list.lastElementChild.remove();
    this.emptyNote.hidden = true;
  }

  clear() {
    this.list.replaceChildren();
    this.emptyNote.hidden = false;
  }
}

function time(ms) {
  const t = document.createElement('time');
  t.dateTime = new Date(ms).toISOString();
  t.title = full(ms);
  t.textContent = clock(ms);
  return t;
}

function text(cls, value) {
  const s = document.createElement('span');
  s.className = cls;
  s.textContent = value;
  return s;
}

function badge(status) {
  const st = describe(status);
  const b = document.createElement('span');
  b.className = `badge mini ${st.css}`;
  b.innerHTML = `<svg class="ic" aria-hidden="true"><use href="#${st.icon}"/></svg>`;
  b.append(text('badge-text', st.label));
  return b;
}

function arrow() {
  const s = document.createElement('span');
  s.className = 'arrow';
  s.innerHTML = '<svg class="ic" aria-hidden="true"><use href="#i-arrow"/></svg><span class="sr-only">to</span>';
  return s;
}
