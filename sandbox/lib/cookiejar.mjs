// A tiny cookie jar for the scripted browser: enough of RFC 6265 for one origin's session
// and interaction cookies (name, path, expiry; host-only).

function parseSetCookie(header) {
  const [pair, ...attributes] = header.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const cookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), path: '/' };
  for (const attribute of attributes) {
    const [rawKey, ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const value = rest.join('=').trim();
    if (key === 'path' && value.startsWith('/')) cookie.path = value;
    if (key === 'max-age') cookie.expires = Date.now() + Number(value) * 1000;
    if (key === 'expires' && cookie.expires === undefined) cookie.expires = Date.parse(value);
  }
  return cookie;
}

// RFC 6265 §5.1.4 path-match.
function pathMatches(requestPath, cookiePath) {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

export class CookieJar {
  constructor() {
    this.cookies = new Map(); // `${host}\n${path}\n${name}` -> cookie
  }

  store(url, response) {
    const { host } = new URL(url);
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header);
      if (!cookie) continue;
      const key = `${host}\n${cookie.path}\n${cookie.name}`;
      const expired = cookie.expires !== undefined && !(cookie.expires > Date.now());
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { ...cookie, host });
    }
  }

  // The Cookie header for a request, longest paths first as RFC 6265 §5.4 asks.
  header(url) {
    const { host, pathname } = new URL(url);
    const now = Date.now();
    return [...this.cookies.values()]
      .filter((c) => c.host === host && pathMatches(pathname, c.path))
      .filter((c) => c.expires === undefined || c.expires > now)
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }
}
