// Talks to the gateway's REST API. When a request is refused with 401 the API key is asked for once
// (one dialog shared by every request waiting on it), kept in sessionStorage for this tab only and
// sent as a bearer header; EventSource and WebSocket cannot send headers, so they get it as
// ?access_token= on their own request URL, never in the address bar.

const KEY_STORAGE = 'presence-gateway.api-key';

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export class Api {
  constructor(dialog) {
    this.dialog = dialog;
    this.asking = null;
    this.declined = false;
  }

  get key() {
    try {
      return sessionStorage.getItem(KEY_STORAGE) || '';
    } catch {
      return '';
    }
  }

  set key(value) {
    try {
      if (value) sessionStorage.setItem(KEY_STORAGE, value);
      else sessionStorage.removeItem(KEY_STORAGE);
    } catch {
      // storage disabled: the key lives as long as the page
    }
  }

  /** A stream URL carrying the key as ?access_token= when one is set. */
  streamUrl(path, params = {}) {
    const url = new URL(path, location.href);
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
    }
    if (this.key) url.searchParams.set('access_token', this.key);
    return url;
  }

  /** GET/POST JSON. Resolves to the parsed body (null for 204); rejects with ApiError. */
  async json(path, { method = 'GET', body, optional = false } = {}) {
    const res = await this.send(path, method, body);
    if (res.status === 404 && optional) return null;
    if (!res.ok) throw new ApiError(res.status, await errorMessage(res));
    if (res.status === 204) return null;
    return res.json();
  }

  async send(path, method, body) {
    let res = await this.fetchOnce(path, method, body);
    if (res.status === 401 && await this.askForKey()) {
      res = await this.fetchOnce(path, method, body);
    }
    return res;
  }

  fetchOnce(path, method, body) {
    const headers = { Accept: 'application/json' };
    if (this.key) headers.Authorization = `Bearer ${this.key}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    return fetch(path, { method, headers, cache: 'no-store', body: body === undefined ? undefined : JSON.stringify(body) });
  }

  /** Asks for the key (once at a time); true when a new key was entered. */
  askForKey() {
    if (this.declined) return Promise.resolve(false);
    if (!this.asking) {
      this.key = '';
      this.asking = this.dialog.ask().then((key) => {
        this.asking = null;
        if (!key) {
          this.declined = true;
          return false;
        }
        this.key = key;
        return true;
      });
    }
    return this.asking;
  }

  /** Lets the user try again after declining (e.g. from the "key required" notice). */
  retryKey() {
    this.declined = false;
    return this.askForKey();
  }
}

async function errorMessage(res) {
  try {
    const body = await res.json();
    if (body && body.error && body.error.message) return body.error.message;
  } catch {
    // not JSON: fall through to the status text
  }
  return `${res.status} ${res.statusText || 'error'}`;
}

/** The API key dialog: resolves to the entered key, or '' when cancelled. */
export class KeyDialog {
  constructor(dialog) {
    this.dialog = dialog;
    this.input = dialog.querySelector('input');
  }

  ask() {
    return new Promise((resolve) => {
      this.input.value = '';
      const done = () => {
        this.dialog.removeEventListener('close', done);
        const key = this.dialog.returnValue === 'ok' ? this.input.value.trim() : '';
        this.input.value = '';
        resolve(key);
      };
      this.dialog.addEventListener('close', done);
      this.dialog.returnValue = '';
      this.dialog.showModal();
      this.input.focus();
    });
  }
}
