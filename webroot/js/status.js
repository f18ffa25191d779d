// The Webex presence values, in board order, with a label and an icon each: status is never told
// by colour alone. Values Webex adds later are passed through and shown as "other" with their raw text.

export const KNOWN = [
  { value: 'active', label: 'Active', icon: 'i-active' },
  { value: 'call', label: 'On a call', icon: 'i-call' },
  { value: 'meeting', label: 'In a meeting', icon: 'i-meeting' },
  { value: 'presenting', label: 'Presenting', icon: 'i-presenting' },
  { value: 'DoNotDisturb', label: 'Do not disturb', icon: 'i-dnd' },
  { value: 'OutOfOffice', label: 'Out of office', icon: 'i-ooo' },
  { value: 'inactive', label: 'Inactive', icon: 'i-inactive' },
  { value: 'pending', label: 'Pending', icon: 'i-pending' },
  { value: 'unknown', label: 'Unknown', icon: 'i-unknown' },
];

/** Filter key of every value Webex does not document (yet). */
export const OTHER = 'other';

const BY_VALUE = new Map(KNOWN.map((k) => [k.value, k]));

/** Describes a status value: {key, label, icon, css}. Unknown values keep their raw text. */
export function describe(status) {
  if (status === null || status === undefined || status === '') {
    return { key: OTHER, label: 'No data', icon: 'i-nodata', css: 's-nodata' };
  }
  const known = BY_VALUE.get(status);
  if (known) {
    return { key: known.value, label: known.label, icon: known.icon, css: 's-' + known.value.toLowerCase() };
  }
  return { key: OTHER, label: String(status), icon: 'i-other', css: 's-other' };
}

/** The filter chips: every known value plus "other". */
export const FILTERS = [...KNOWN.map((k) => ({ key: k.value, label: k.label, icon: k.icon })),
  { key: OTHER, label: 'Other', icon: 'i-other' }];
