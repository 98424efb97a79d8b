// What a person's browser does between the authorize URL and the app's loopback callback:
// follow redirects keeping cookies, read the HTML forms it lands on, submit them.
import http from 'node:http';

import { CookieJar } from './cookiejar.mjs';
import { randomToken } from './pkce.mjs';

export const CALLBACK_PATH = '/api/integrations/social/callback';

const MAX_REDIRECTS = 20;
const REQUEST_TIMEOUT_MS = 10_000;
const USER_AGENT = 'EasyCRM-Sandbox-ScriptedBrowser/1.0';

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", '#39': "'" };

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+|#39);/gi, (whole, name) => {
    if (/^#x/i.test(name)) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (/^#\d/.test(name)) return String.fromCodePoint(Number(name.slice(1)));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function attributes(tagText) {
  const found = {};
  const pattern = /([a-zA-Z_:-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/g;
  for (const [, name, double, single, bare] of tagText.matchAll(pattern)) {
    found[name.toLowerCase()] = decodeEntities(double ?? single ?? bare ?? '');
  }
  return found;
}

function parseForm(formAttributes, inner) {
  const form = attributes(formAttributes);
  const inputs = [...inner.matchAll(/<input\b([^>]*)>/gi)].map(([, found]) => attributes(found));
  const buttons = [...inner.matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].map(
    ([, found, label]) => ({ ...attributes(found), label: decodeEntities(label.trim()) }),
  );
  const method = (form.method ?? 'get').toLowerCase();
  return { action: form.action ?? '', method, inputs, buttons };
}

// Forms with their inputs and submit buttons, enough for plain server-rendered pages.
export function parseForms(html) {
  const forms = html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi);
  return [...forms].map(([, formAttributes, inner]) => parseForm(formAttributes, inner));
}

export function isCallbackUrl(url) {
  const parsed = new URL(url);
  return parsed.hostname === '127.0.0.1' && parsed.pathname === CALLBACK_PATH;
}

function isRedirect(status) {
  return [301, 302, 303, 307, 308].includes(status);
}

export class Browser {
  constructor({ log = () => {} } = {}) {
    this.jar = new CookieJar();
    this.log = log;
  }

  async request(url, { method = 'GET', form } = {}) {
    const headers = { 'User-Agent': USER_AGENT, Accept: 'text/html,application/json;q=0.9' };
    const cookie = this.jar.header(url);
    if (cookie) headers.Cookie = cookie;
    if (form) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    const response = await fetch(url, {
      method,
      headers,
      body: form ? new URLSearchParams(form).toString() : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    this.jar.store(url, response);
    // Interaction ids stay out of the log along with every query string.
    const path = new URL(url).pathname.replace(/^\/(interaction|auth)\/[^/]+/, '/$1/<uid>');
    this.log(`${method} ${path} -> ${response.status}`);
    return response;
  }

  // Follows redirects until the Location is the app's callback ({callbackUrl}, the raw
  // Location text, untouched) or a page is shown ({page: {url, status, html}}).
  async navigate(url, init) {
    let current = url;
    let response = await this.request(current, init);
    for (let hop = 0; hop < MAX_REDIRECTS; hop += 1) {
      if (!isRedirect(response.status)) {
        return { page: { url: current, status: response.status, html: await response.text() } };
      }
      await response.body?.cancel();
      const location = response.headers.get('location') ?? '';
      const next = new URL(location, current).href;
      if (isCallbackUrl(next)) {
        return { callbackUrl: /^https?:\/\//i.test(location) ? location : next };
      }
      current = next;
      response = await this.request(current);
    }
    throw new Error(`more than ${MAX_REDIRECTS} redirects`);
  }
}

// GETs a URL with its path and query sent byte for byte as given: no re-encoding, which is
// what a browser does with a Location it received (and what fetch would not guarantee).
export function rawGet(rawUrl) {
  const target = new URL(rawUrl);
  const pathStart = rawUrl.indexOf('/', rawUrl.indexOf('//') + 2);
  const path = pathStart < 0 ? '/' : rawUrl.slice(pathStart).replace(/#.*$/, '');
  const options = {
    host: target.hostname,
    port: target.port || 80,
    path,
    method: 'GET',
    headers: { 'User-Agent': USER_AGENT, Accept: 'text/html' },
    timeout: REQUEST_TIMEOUT_MS,
  };
  return new Promise((resolve, reject) => {
    const request = http.request(options, (response) => {
      response.resume();
      response.on('end', () => resolve({ status: response.statusCode }));
    });
    request.on('timeout', () => request.destroy(new Error('callback request timed out')));
    request.on('error', reject);
    request.end();
  });
}

// Rewrites only the state parameter's text; every other byte of the URL stays as received.
// mode: 'keep', 'tamper' (a different random value) or 'drop'.
export function rewriteState(rawUrl, mode) {
  if (mode === 'keep') return rawUrl;
  const hashAt = rawUrl.indexOf('#');
  const fragment = hashAt < 0 ? '' : rawUrl.slice(hashAt);
  const withoutFragment = hashAt < 0 ? rawUrl : rawUrl.slice(0, hashAt);
  const queryAt = withoutFragment.indexOf('?');
  const base = queryAt < 0 ? withoutFragment : withoutFragment.slice(0, queryAt);
  const query = queryAt < 0 ? '' : withoutFragment.slice(queryAt + 1);
  const isState = (part) => part.split('=')[0] === 'state';
  let parts = query.split('&').filter((part) => part !== '');
  if (mode === 'drop') parts = parts.filter((part) => !isState(part));
  if (mode === 'tamper') {
    const replacement = `state=${randomToken(32)}`;
    const replaced = parts.map((part) => (isState(part) ? replacement : part));
    parts = parts.some(isState) ? replaced : [...parts, replacement];
  }
  return `${base}${parts.length ? `?${parts.join('&')}` : ''}${fragment}`;
}
