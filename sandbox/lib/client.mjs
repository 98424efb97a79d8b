// The client side of one connect, as the desktop app does it, for the benchmark baseline and
// the tests: authorize URL, loopback callback listener, token, refresh, revocation, userinfo.
import http from 'node:http';

import { CALLBACK_PATH } from './browser.mjs';

const REQUEST_TIMEOUT_MS = 10_000;

export const DEFAULT_SCOPES = 'openid profile offline_access mentions.read';

export function authorizeUrl(issuer, { clientId, redirectUri, pkce, state, scope, extra = {} }) {
  const url = new URL('/auth', issuer);
  const params = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    scope: scope ?? DEFAULT_SCOPES,
    state,
    code_challenge: pkce?.challenge,
    code_challenge_method: pkce?.method,
    ...extra,
  };
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.href;
}

// Starts a listener on 127.0.0.1 (any free port) that accepts one callback on the exact
// path and resolves `callback` with its query parameters. Other paths get 404.
export async function startCallbackListener() {
  let deliver;
  const callback = new Promise((resolve) => {
    deliver = resolve;
  });
  const server = http.createServer((req, res) => {
    const url = new URL(`http://127.0.0.1${req.url}`);
    if (req.method !== 'GET' || url.pathname !== CALLBACK_PATH) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('You can close this window.');
    deliver(url.searchParams);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const close = () => new Promise((resolve) => server.close(resolve));
  return { redirectUri: `http://127.0.0.1:${port}${CALLBACK_PATH}`, callback, close };
}

async function postForm(url, fields) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.json() };
}

export function exchangeCode(issuer, { clientId, clientSecret, code, redirectUri, verifier }) {
  const fields = {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: clientId,
    client_secret: clientSecret,
  };
  if (verifier !== undefined) fields.code_verifier = verifier;
  return postForm(new URL('/token', issuer), fields);
}

export function refresh(issuer, { clientId, clientSecret, refreshToken }) {
  const fields = {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: clientId,
    client_secret: clientSecret,
  };
  return postForm(new URL('/token', issuer), fields);
}

export async function revokeToken(issuer, { clientId, clientSecret, token, hint }) {
  const fields = { token, client_id: clientId, client_secret: clientSecret };
  if (hint) fields.token_type_hint = hint;
  const response = await fetch(new URL('/token/revocation', issuer), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await response.body?.cancel();
  return { status: response.status };
}

export async function userinfo(issuer, accessToken) {
  const response = await fetch(new URL('/me', issuer), {
    headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

// Calls the sandbox's /__sandbox/ control API; GET without a body, POST with JSON.
export async function control(issuer, name, body = undefined) {
  const response = await fetch(new URL(`/__sandbox/${name}`, issuer), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return { status: response.status, body: await response.json() };
}
