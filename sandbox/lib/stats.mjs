// Request counters per endpoint, so a test can prove what did (or did not) reach the server,
// e.g. that a CSRF-rejected callback never led to a token request.
import { createHash } from 'node:crypto';

function zero() {
  return {
    auth: 0,
    token: 0,
    token_by_grant: { authorization_code: 0, refresh_token: 0 },
    revocation: 0,
    userinfo: 0,
  };
}

// Route paths are oidc-provider's defaults; /auth/<uid> is the internal resume after an
// interaction, not a new authorization request, so it is not counted as one.
const ENDPOINT_BY_PATH = new Map([
  ['/auth', 'auth'],
  ['/token', 'token'],
  ['/token/revocation', 'revocation'],
  ['/me', 'userinfo'],
]);

const KNOWN_GRANTS = new Set(['authorization_code', 'refresh_token']);

export class Stats {
  constructor() {
    this.counts = zero();
    this.witness = {};
    this.refreshUses = new Map(); // SHA-256 of a presented refresh token -> times presented
  }

  // Every refresh token presented to the token endpoint, by hash: several clients sharing
  // one database must present each rotating token at most once (RFC 9700 §4.14.2).
  witnessRefresh(params) {
    if (params?.grant_type !== 'refresh_token' || typeof params.refresh_token !== 'string') return;
    const key = createHash('sha256').update(params.refresh_token).digest('base64url');
    this.refreshUses.set(key, (this.refreshUses.get(key) ?? 0) + 1);
  }

  refreshReuse() {
    let presented = 0;
    let reused = 0;
    let maxUses = 0;
    for (const uses of this.refreshUses.values()) {
      presented += uses;
      if (uses > 1) reused += 1;
      maxUses = Math.max(maxUses, uses);
    }
    return { presented, distinct: this.refreshUses.size, reused, maxUses };
  }

  // The secrets of the last authorization and code exchange, as the server saw them, so a
  // test can prove the client stored exactly these tokens and leaked none of the values.
  // Served only on the loopback control API of this test server.
  witnessAuthorization(state) {
    this.witness = { state };
  }

  witnessTokens(params, body) {
    if (params?.grant_type !== 'authorization_code' || !body || typeof body !== 'object') return;
    this.witness = {
      ...this.witness,
      code: params.code,
      codeVerifier: params.code_verifier,
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
    };
  }

  lastExchange() {
    return structuredClone(this.witness);
  }

  reset() {
    this.counts = zero();
    this.refreshUses.clear();
  }

  snapshot() {
    return structuredClone(this.counts);
  }

  // Returns the endpoint name counted for this path, or undefined.
  countPath(pathname) {
    const endpoint = ENDPOINT_BY_PATH.get(pathname);
    if (endpoint) this.counts[endpoint] += 1;
    return endpoint;
  }

  // Unknown grant types land in one "other" bucket: the value is client input and must not
  // become an arbitrary property name.
  countGrant(grantType) {
    const byGrant = this.counts.token_by_grant;
    const key = KNOWN_GRANTS.has(grantType) ? grantType : 'other';
    byGrant[key] = (byGrant[key] ?? 0) + 1;
  }
}
