// oidc-provider configured as the EasyCRM sandbox: one confidential native client, PKCE S256
// only, code flow only, rotating single-use refresh tokens, opaque access tokens.
import { generateKeyPairSync, randomBytes } from 'node:crypto';

import Provider from 'oidc-provider';

import { findAccount } from './accounts.mjs';
import { createAdapterFactory } from './adapter.mjs';
import { log } from './log.mjs';
import { errorPage } from './pages.mjs';

export const SCOPES = [
  'openid',
  'profile',
  'offline_access',
  'mentions.read',
  'messages.write',
  'posts.write',
];

export const CALLBACK_PATH = '/api/integrations/social/callback';

const CODE_TTL_SECONDS = 120;
const ID_TOKEN_TTL_SECONDS = 3600;
const INTERACTION_TTL_SECONDS = 600;
const SESSION_TTL_SECONDS = 14 * 24 * 3600;

// RFC 8252 §7.3: a native client registers its loopback redirect without a port and may use
// any port at request time; oidc-provider applies that rule to application_type "native".
function clientMetadata(clientId, clientSecret) {
  return {
    client_id: clientId,
    client_secret: clientSecret,
    client_name: 'EasyCRM Social Connect',
    application_type: 'native',
    redirect_uris: [`http://127.0.0.1${CALLBACK_PATH}`],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
    id_token_signed_response_alg: 'ES256',
    scope: SCOPES.join(' '),
  };
}

// A fresh signing key per run: ID tokens only need to verify while this process lives.
// P-256 rather than RSA because generating it is instant, and tests start many sandboxes.
function signingKey() {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'ES256', kid: 'sandbox-1' };
}

// A refresh token only when the person granted offline_access (OIDC Core §11). The scripted
// consent path grants exactly what was requested, so this holds for it too.
async function issueRefreshToken(_ctx, client, code) {
  return client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access');
}

async function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.body = errorPage({
    title: 'The request could not be completed',
    description: out.error_description ?? out.error,
  });
}

function ttlConfiguration(settings) {
  return {
    AccessToken: () => settings.accessTokenTtl,
    AuthorizationCode: CODE_TTL_SECONDS,
    IdToken: ID_TOKEN_TTL_SECONDS,
    Interaction: INTERACTION_TTL_SECONDS,
    RefreshToken: () => settings.refreshTokenTtl,
    Session: SESSION_TTL_SECONDS,
    Grant: () => Math.max(settings.refreshTokenTtl, SESSION_TTL_SECONDS),
  };
}

function features() {
  return {
    devInteractions: { enabled: false }, // our own login and consent pages
    revocation: { enabled: true }, // RFC 7009
    userinfo: { enabled: true },
    // No resource indicators: access tokens are for /me only and stay opaque.
    resourceIndicators: { enabled: false },
    pushedAuthorizationRequests: { enabled: false },
    rpInitiatedLogout: { enabled: false },
    dPoP: { enabled: false },
  };
}

function configuration({ clientId, clientSecret, settings, store }) {
  return {
    adapter: createAdapterFactory(store),
    clients: [clientMetadata(clientId, clientSecret)],
    findAccount,
    scopes: SCOPES,
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'] },
    responseTypes: ['code'], // no implicit flow, ever
    // RFC 7636 §4.2: "plain" exists for clients that cannot hash; ours can, so S256 only.
    pkce: { methods: ['S256'], required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    issueRefreshToken,
    // Every refresh consumes the old token and reuse revokes the grant, unless a test asked
    // for Google's behaviour (see omittedRefreshTokenMiddleware).
    rotateRefreshToken: () => settings.refreshTokenRotation === 'rotate',
    ttl: ttlConfiguration(settings),
    features: features(),
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    jwks: { keys: [signingKey()] },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError,
  };
}

// Counts requests per endpoint and logs each one by route name only: the query string and
// body hold codes, tokens and secrets.
function statsMiddleware(stats) {
  return async (ctx, next) => {
    const endpoint = stats.countPath(ctx.path);
    if (endpoint === 'auth' && typeof ctx.query.state === 'string') {
      stats.witnessAuthorization(ctx.query.state);
    }
    try {
      await next();
    } finally {
      if (endpoint === 'token') stats.countGrant(ctx.oidc?.params?.grant_type);
      if (endpoint === 'token') stats.witnessRefresh(ctx.oidc?.params);
      if (endpoint === 'token' && ctx.status === 200) stats.witnessTokens(ctx.oidc?.params, ctx.body);
      log.debug(`${ctx.method} ${endpoint ?? ctx.oidc?.route ?? 'other'} -> ${ctx.status}`);
    }
  };
}

// OAuth errors are logged by code and description only; oidc-provider's descriptions name
// the failed check, not the submitted values.
function logEvents(provider) {
  const events = ['authorization.error', 'grant.error', 'revocation.error', 'userinfo.error'];
  for (const event of events) {
    provider.on(event, (_ctx, error) => {
      log.info(`${event}: ${error.error ?? error.name}: ${error.error_description ?? ''}`);
    });
  }
  provider.on('server_error', (_ctx, error) => {
    log.error(`server_error: ${error.name}: ${error.message}`);
  });
}

// OIDC Core §11: offline_access counts only together with prompt=consent, and oidc-provider
// silently drops it otherwise. The desktop app, like a client of any social provider, sends
// no prompt. Our native client is shown the consent page on every authorization anyway
// (oidc-provider's native_client_prompt check), so adding prompt=consent changes no page and
// only makes the refresh token possible. prompt=none stays as is: it excludes consent.
function offlineAccessMiddleware() {
  return async (ctx, next) => {
    if (ctx.path === '/auth' && ctx.method === 'GET') {
      const { scope, prompt } = ctx.query;
      const prompts = typeof prompt === 'string' ? prompt.split(' ').filter(Boolean) : [];
      const offline = typeof scope === 'string' && scope.split(' ').includes('offline_access');
      if (offline && !prompts.includes('consent') && !prompts.includes('none')) {
        ctx.query = { ...ctx.query, prompt: [...prompts, 'consent'].join(' ') };
      }
    }
    await next();
  };
}

// Google answers a refresh without refresh_token: the one the client holds stays valid.
// oidc-provider repeats the unrotated token, so the "reuse" setting leaves it out.
function omittedRefreshTokenMiddleware(settings) {
  return async (ctx, next) => {
    await next();
    const refreshing = ctx.oidc?.params?.grant_type === 'refresh_token';
    if (refreshing && settings.refreshTokenRotation === 'reuse' && ctx.body?.refresh_token) {
      const { refresh_token: _omitted, ...rest } = ctx.body;
      ctx.body = rest;
    }
  };
}

export function createProvider({ issuer, clientId, clientSecret, settings, store, stats }) {
  const provider = new Provider(issuer, configuration({ clientId, clientSecret, settings, store }));
  provider.use(statsMiddleware(stats));
  provider.use(offlineAccessMiddleware());
  provider.use(omittedRefreshTokenMiddleware(settings));
  logEvents(provider);
  return provider;
}
