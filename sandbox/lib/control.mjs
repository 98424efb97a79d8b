// The test-control API under /__sandbox/ (JSON, loopback peers only).
//
//   POST /__sandbox/next-interaction {"login","decision":"approve"|"deny"}
//   POST /__sandbox/revoke-grants    {"login"}
//   GET  /__sandbox/config
//   POST /__sandbox/config           {"accessTokenTtl"?, "refreshTokenTtl"?,
//                                     "refreshTokenRotation"?: "rotate" | "reuse"}
//   GET  /__sandbox/stats
//   GET  /__sandbox/last-exchange    the last state, code, verifier and tokens (tests only)
//   POST /__sandbox/reset-stats
//   GET  /__sandbox/refresh-reuse       refresh tokens presented, and how many more than once
//   POST /__sandbox/refresh-token-state {"tokens":[...]} -> how many are live, spent, unknown
import { accountByLogin } from './accounts.mjs';
import { HttpError, isLoopbackPeer, readJson, sendJson } from './http.mjs';
import { log } from './log.mjs';

const MAX_TTL_SECONDS = 366 * 24 * 3600;
const TOKEN_MODELS = ['AccessToken', 'AuthorizationCode', 'RefreshToken'];

// One queued decision for the next interaction; a second POST replaces it, so a decision
// left over by an authorization that failed early can be overwritten deliberately.
export class InteractionScript {
  constructor() {
    this.pending = undefined;
  }

  queue(login, decision) {
    this.pending = { login, decision };
  }

  take() {
    const scripted = this.pending;
    this.pending = undefined;
    return scripted;
  }
}

function requireAccount(body) {
  const account = accountByLogin(body.login);
  if (!account) throw new HttpError(400, 'unknown login');
  return account;
}

function ttlValue(value, name) {
  if (!Number.isInteger(value) || value < 1 || value > MAX_TTL_SECONDS) {
    throw new HttpError(400, `${name} must be an integer number of seconds`);
  }
  return value;
}

// "rotate": every refresh consumes the refresh token and answers a new one (the default).
// "reuse": the refresh token stays the same and refresh responses leave it out, as Google
// does; lets a test prove the client keeps the one it has.
function rotationValue(value) {
  if (value !== 'rotate' && value !== 'reuse') {
    throw new HttpError(400, 'refreshTokenRotation must be "rotate" or "reuse"');
  }
  return value;
}

const MAX_STATE_QUERY = 1000; // fits the 64 KiB body limit

// Whether each refresh token is the live end of its rotation chain: stored and unconsumed.
// A rotated-away token is kept (consumed) until its grant ends, so it reads as spent; one
// whose grant was ended by reuse detection, or that never existed, reads as unknown.
function refreshTokenState(store, tokens) {
  if (!Array.isArray(tokens) || tokens.length > MAX_STATE_QUERY) {
    throw new HttpError(400, `tokens must be an array of at most ${MAX_STATE_QUERY} strings`);
  }
  const counts = { live: 0, spent: 0, unknown: 0 };
  for (const token of tokens) {
    const stored = typeof token === 'string' ? store.get('RefreshToken', token) : undefined;
    if (!stored) counts.unknown += 1;
    else if (stored.consumed) counts.spent += 1;
    else counts.live += 1;
  }
  return counts;
}

// Everything that lets this person's connections work: grants, the tokens issued under them
// (and any stray token of theirs), and sign-in sessions so the next connect asks again.
function revokeEverything(store, sub) {
  const revoked = { grants: 0, tokens: 0, sessions: 0 };
  for (const [grantId, grant] of store.entries('Grant')) {
    if (grant.accountId !== sub) continue;
    revoked.tokens += store.deleteGrantMembers(grantId);
    if (store.delete('Grant', grantId)) revoked.grants += 1;
  }
  for (const model of TOKEN_MODELS) {
    for (const [id, token] of store.entries(model)) {
      if (token.accountId === sub && store.delete(model, id)) revoked.tokens += 1;
    }
  }
  for (const [id, session] of store.entries('Session')) {
    if (session.accountId === sub && store.delete('Session', id)) revoked.sessions += 1;
  }
  return revoked;
}

function routes({ store, settings, script, stats }) {
  return {
    'POST next-interaction': (body) => {
      const account = requireAccount(body);
      if (body.decision !== 'approve' && body.decision !== 'deny') {
        throw new HttpError(400, 'decision must be "approve" or "deny"');
      }
      script.queue(account.login, body.decision);
      return { queued: true, login: account.login, decision: body.decision };
    },
    'POST revoke-grants': (body) => {
      const account = requireAccount(body);
      const revoked = revokeEverything(store, account.sub);
      log.info(`revoked for ${account.login}: ${JSON.stringify(revoked)}`);
      return { login: account.login, ...revoked };
    },
    'GET config': () => ({ ...settings }),
    'POST config': (body) => {
      if (body.accessTokenTtl !== undefined) {
        settings.accessTokenTtl = ttlValue(body.accessTokenTtl, 'accessTokenTtl');
      }
      if (body.refreshTokenTtl !== undefined) {
        settings.refreshTokenTtl = ttlValue(body.refreshTokenTtl, 'refreshTokenTtl');
      }
      if (body.refreshTokenRotation !== undefined) {
        settings.refreshTokenRotation = rotationValue(body.refreshTokenRotation);
      }
      return { ...settings };
    },
    'GET stats': () => stats.snapshot(),
    'GET last-exchange': () => stats.lastExchange(),
    'POST reset-stats': () => {
      stats.reset();
      return stats.snapshot();
    },
    'GET refresh-reuse': () => stats.refreshReuse(),
    'POST refresh-token-state': (body) => refreshTokenState(store, body.tokens),
  };
}

export function createControlHandler(context) {
  const table = routes(context);
  return async function handleControl(req, res, pathname) {
    if (!isLoopbackPeer(req)) throw new HttpError(403, 'loopback only');
    const name = pathname.slice('/__sandbox/'.length);
    const key = `${req.method} ${name}`;
    const route = Object.hasOwn(table, key) ? table[key] : undefined;
    if (!route) throw new HttpError(404, 'no such control endpoint');
    const body = req.method === 'POST' ? await readJson(req) : {};
    sendJson(res, 200, route(body));
  };
}
