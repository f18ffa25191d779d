// Relative and clock times for the board and the log.

const UNITS = [
  ['year', 365 * 24 * 3600], ['month', 30 * 24 * 3600], ['week', 7 * 24 * 3600],
  ['day', 24 * 3600], ['hour', 3600], ['minute', 60],
];

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 days ago"; "" when the time is unknown. */
export function ago(ms, now = Date.now()) {
  if (!Number.isFinite(ms)) return '';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 24 * 3600) return `${Math.floor(s / 3600)} h ago`;
  for (const [name, size] of UNITS) {
    if (s >= size) {
      const n = Math.floor(s / size);
      return `${n} ${name}${n === 1 ? '' : 's'} ago`;
    }
  }
  return '';
}

/** Milliseconds of an ISO timestamp, NaN when absent or malformed. */
export function parseTime(iso) {
  return typeof iso === 'string' && iso ? Date.parse(iso) : NaN;
}

const CLOCK = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function clock(ms) {
  return Number.isFinite(ms) ? CLOCK.format(ms) : '';
}

export function full(ms) {
  return Number.isFinite(ms) ? FULL.format(ms) : 'unknown';
}
